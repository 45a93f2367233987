import type Docker from 'dockerode';
import { Transform, type TransformCallback } from 'node:stream';
import { LauncherError } from '../errors/launcher-error.js';

export function engineUnreachable(cause: unknown): LauncherError {
  return new LauncherError(503, 'docker-unreachable', 'The Docker engine is not answering, so no notebook server can be started. Try again in a minute; if it lasts, the operator should check that dockerd is running.', { cause });
}

export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Docker multiplexes stdout and stderr in 8-byte-framed chunks when there is no TTY. */
export function demultiplex(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join('') : buffer.toString('utf8');
}

export async function tailLogs(container: Docker.Container): Promise<string> {
  try {
    const buffer = await container.logs({ stdout: true, stderr: true, tail: 5, follow: false });
    return demultiplex(buffer).trim().slice(-1000);
  } catch {
    return '';
  }
}

/**
 * Reads Docker's multiplexed attach stream (8-byte frame headers, no TTY) and passes on stdout
 * only, keeping stderr aside; as a Transform it keeps back-pressure, so a slow reader slows the
 * container down instead of filling memory.
 */
export class StdoutDemuxer extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private stderrText = '';

  get stderr(): string {
    return this.stderrText;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      if (this.pending[0] === 2) this.stderrText = (this.stderrText + payload.toString('utf8')).slice(-2000);
      else this.push(payload);
      this.pending = this.pending.subarray(8 + size);
    }
    done();
  }
}

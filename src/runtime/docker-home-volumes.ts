import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { LauncherError, isConnectionError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import { engineUnreachable, statusCodeOf, StdoutDemuxer } from './docker-support.js';
import type { ArchiveEntry, HomeVolumeInfo, HomeVolumes } from './home-volumes.js';
import { labelKeys } from './labels.js';

export interface DockerHomeVolumesOptions {
  instance: string;
  /** Runs the archive helper: any image with tar and gzip (the base image has both). */
  helperImage: string;
  logger: Logger;
  socketPath?: string;
  /** Longest a whole archive may take: then the helper is killed and the stream ends with an error. */
  exportTimeoutMs: number;
}

const archiveDir = '/export';

function dockerCall<T>(operation: () => Promise<T>): Promise<T> {
  return operation().catch((error: unknown) => {
    if (error instanceof LauncherError) throw error;
    if (isConnectionError(error)) throw engineUnreachable(error);
    throw error;
  });
}

/** Home volumes on the Docker engine, found by their labels. */
export class DockerHomeVolumes implements HomeVolumes {
  private readonly docker: Docker;

  constructor(private readonly options: DockerHomeVolumesOptions) {
    this.docker = options.socketPath ? new Docker({ socketPath: options.socketPath }) : new Docker();
  }

  list(workshop?: string): Promise<HomeVolumeInfo[]> {
    const label = [`${labelKeys.managed}=true`, `${labelKeys.instance}=${this.options.instance}`, `${labelKeys.role}=home`];
    if (workshop) label.push(`${labelKeys.workshop}=${workshop}`);
    return dockerCall(async () => {
      const { Volumes } = await this.docker.listVolumes({ filters: { label } });
      return (Volumes ?? []).map((volume) => ({
        name: volume.Name,
        workshop: volume.Labels?.[labelKeys.workshop] ?? '',
        attendeeId: volume.Labels?.[labelKeys.attendee] ?? '',
      })).sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  remove(name: string): Promise<void> {
    return dockerCall(async () => {
      try {
        await this.docker.getVolume(name).remove();
      } catch (error) {
        const status = statusCodeOf(error);
        if (status === 404) return;
        if (status === 409) throw new LauncherError(409, 'volume-in-use', `The volume ${name} is still used by a container; stop and remove that server first.`, { cause: error });
        throw error;
      }
    });
  }

  async addNewFiles(volume: string, image: string): Promise<void> {
    const container = await dockerCall(() => this.docker.createContainer({
      name: `nblaunch-${this.options.instance}-seed-${randomBytes(6).toString('hex')}`,
      Image: image,
      Entrypoint: [],
      // -n never overwrites: an attendee's edits stay, files new in the image appear.
      Cmd: ['cp', '-rn', '/home/jovyan/.', '/mnt/home/'],
      Labels: { [labelKeys.managed]: 'true', [labelKeys.instance]: this.options.instance, [labelKeys.role]: 'seed' },
      NetworkDisabled: true,
      HostConfig: {
        Mounts: [{ Type: 'volume' as const, Source: volume, Target: '/mnt/home' }],
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Memory: 256 * 1024 * 1024,
        PidsLimit: 64,
      },
    }));
    try {
      await dockerCall(() => container.start());
      const { StatusCode } = await dockerCall(() => container.wait()) as { StatusCode: number };
      if (StatusCode !== 0) this.options.logger.warn({ volume, image, exitCode: StatusCode }, 'some new workshop files could not be copied into a home volume');
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  async usage(volumes: string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    if (volumes.length === 0) return sizes;
    const container = await dockerCall(() => this.docker.createContainer({
      name: `nblaunch-${this.options.instance}-du-${randomBytes(6).toString('hex')}`,
      Image: this.options.helperImage,
      Entrypoint: [],
      User: '0',
      // -x: one file system each; -k: KiB of blocks really used, so a sparse file counts what it holds.
      Cmd: ['du', '-sxk', ...volumes.map((_, index) => `/homes/${index}`)],
      Labels: { [labelKeys.managed]: 'true', [labelKeys.instance]: this.options.instance, [labelKeys.role]: 'disk-usage' },
      NetworkDisabled: true,
      HostConfig: {
        ...readOnlyHelper(volumes.map((volume, index) => ({ volume, target: `/homes/${index}` })), { memoryMb: 128, cpus: 0.5, pids: 8 }),
        // Reads every folder whatever its mode (an attendee's chmod 000 does not hide it); nothing else.
        CapAdd: ['DAC_READ_SEARCH'],
      },
    }));
    const timer = setTimeout(() => { container.kill().catch(() => undefined); }, usageTimeoutMs);
    try {
      await dockerCall(() => container.start());
      await dockerCall(() => container.wait());
      const output = await dockerCall(() => container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
      for (const line of demultiplexedText(output).split('\n')) {
        const match = /^(\d+)\s+\/homes\/(\d+)$/.exec(line.trim());
        const volume = match ? volumes[Number(match[2])] : undefined;
        if (match && volume !== undefined) sizes.set(volume, Number(match[1]) * 1024);
      }
    } finally {
      clearTimeout(timer);
      await container.remove({ force: true }).catch(() => undefined);
    }
    return sizes;
  }

  async archive(entries: ArchiveEntry[]): Promise<Readable> {
    const container = await dockerCall(() => this.docker.createContainer({
      name: `nblaunch-${this.options.instance}-export-${randomBytes(6).toString('hex')}`,
      Image: this.options.helperImage,
      Entrypoint: [],
      // --sparse reads only a file's data (SEEK_HOLE), so a huge file of holes costs nothing to archive.
      Cmd: ['tar', '--sparse', '-czf', '-', '.'],
      // Docker makes the working directory, so an archive of no volumes is an empty tar, not an error.
      WorkingDir: archiveDir,
      Labels: { [labelKeys.managed]: 'true', [labelKeys.instance]: this.options.instance, [labelKeys.role]: 'export' },
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      NetworkDisabled: true,
      HostConfig: readOnlyHelper(entries.map((entry) => ({ volume: entry.volume, target: `${archiveDir}/${entry.folder}` })), { memoryMb: 256, cpus: 1, pids: 16 }),
    }).catch((error: unknown) => {
      if (statusCodeOf(error) === 404) throw new LauncherError(503, 'image-missing', `The image "${this.options.helperImage}" that makes archives is not on this Docker engine.`, { cause: error });
      throw error;
    }));
    const demuxer = new StdoutDemuxer();
    const timeoutMs = this.options.exportTimeoutMs;
    const timer = setTimeout(() => {
      this.options.logger.warn({ timeoutMs }, 'an archive took longer than workshops.exportTimeoutSeconds and was stopped');
      // An error, not an end: the download fails visibly instead of looking like a whole archive.
      demuxer.destroy(new LauncherError(504, 'export-timeout',
        `The archive took longer than ${Math.round(timeoutMs / 1000)} s and was stopped, so the download is incomplete. Export fewer attendees at a time, or ask the operator to raise workshops.exportTimeoutSeconds.`));
    }, timeoutMs);
    let attached: NodeJS.ReadWriteStream & { destroy?: () => void } | undefined;
    const removeHelper = () => {
      clearTimeout(timer);
      // The engine finishes a kill only once its copy of the helper's output is let go: close our end.
      attached?.destroy?.();
      container.remove({ force: true }).catch(() => undefined);
    };
    try {
      attached = await container.attach({ stream: true, stdout: true, stderr: true });
      attached.pipe(demuxer, { end: false });
      attached.on('end', () => {
        // tar exits 1 when a file changed while it was read: the archive is still whole.
        container.wait().then(({ StatusCode }: { StatusCode: number }) => {
          if (StatusCode > 1) {
            this.options.logger.warn({ exitCode: StatusCode, stderr: demuxer.stderr }, 'the archive helper failed');
            demuxer.destroy(new Error(`tar exited with ${StatusCode}`));
          } else {
            demuxer.end();
          }
        }, (error: Error) => demuxer.destroy(error)).finally(removeHelper);
      });
      demuxer.once('close', removeHelper);
      await container.start();
    } catch (error) {
      removeHelper();
      throw error instanceof LauncherError ? error : isConnectionError(error) ? engineUnreachable(error)
        : new LauncherError(500, 'archive-failed', `The archive could not be made: ${(error as Error).message}`, { cause: error });
    }
    return demuxer;
  }
}

/** Longest one measurement of every home may take (millions of small files take long). */
const usageTimeoutMs = 60_000;

/** The text of a non-tty container's log: 8-byte frame headers stripped. */
function demultiplexedText(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A helper container's limits over read-only mounts of home volumes: no capabilities, no new privileges, no swap. */
function readOnlyHelper(mounts: Array<{ volume: string; target: string }>, limits: { memoryMb: number; cpus: number; pids: number }) {
  return {
    Mounts: mounts.map(({ volume, target }) => ({ Type: 'volume' as const, Source: volume, Target: target, ReadOnly: true })),
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    Memory: limits.memoryMb * 1024 * 1024,
    MemorySwap: limits.memoryMb * 1024 * 1024,
    NanoCpus: Math.round(limits.cpus * 1_000_000_000),
    PidsLimit: limits.pids,
  };
}

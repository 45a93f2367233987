import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Target = [host: string, port: number];

/**
 * A Python program that tries a TCP connection to each target (3 s each) and prints one line per
 * target: `PROBE host:port reached` or `PROBE host:port blocked <error>`. It only connects: no
 * byte is sent.
 */
export function probeScript(targets: Target[]): string {
  return [
    'import json, socket',
    `for host, port in json.loads(${JSON.stringify(JSON.stringify(targets))}):`,
    '    s = socket.socket()',
    '    s.settimeout(3)',
    '    try:',
    '        s.connect((host, port))',
    '        print(f"PROBE {host}:{port} reached", flush=True)',
    '    except OSError as error:',
    '        print(f"PROBE {host}:{port} blocked {error}", flush=True)',
    '    finally:',
    '        s.close()',
  ].join('\n');
}

/** `host:port` -> `reached` or `blocked ...`, from the lines the probe printed. */
export function probeResults(output: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const match of output.matchAll(/^PROBE (\S+) (reached|blocked.*)$/gm)) results.set(match[1]!, match[2]!);
  return results;
}

/** Runs the probe inside a running container (docker exec). */
export async function probeFromContainer(container: string, targets: Target[]): Promise<Map<string, string>> {
  const { stdout } = await run('docker', ['exec', container, 'python3', '-c', probeScript(targets)], { timeout: 5000 * targets.length + 10_000 });
  return probeResults(stdout);
}

/** This host's own IPv4 addresses, loopback left out (a container's 127.0.0.1 is its own). */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);
}

/** A TCP listener on `host` that counts the connections it accepted. */
export async function countingListener(host: string): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

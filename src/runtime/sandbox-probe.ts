import Docker from 'dockerode';
import { createServer } from 'node:net';
import { labelKeys } from './labels.js';
import type { SandboxNetwork } from './sandbox-network.js';

const probeTimeoutSeconds = 3;

/**
 * Whether a container on the sandbox network can open a TCP connection to the host: a listener
 * on the bridge's gateway address, and a throwaway container of `image` (python3) dialling it.
 * For a launcher that may not read iptables (not root): the one rule a probe can test without
 * sending traffic off the machine.
 */
export async function hostReachableFromSandbox(network: SandboxNetwork, image: string, instance: string, socketPath?: string): Promise<boolean> {
  const docker = socketPath ? new Docker({ socketPath }) : new Docker();
  let accepted = false;
  const listener = createServer((socket) => {
    accepted = true;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, network.gateway, () => resolve());
  });
  const port = (listener.address() as { port: number }).port;
  const script = [
    'import socket', `s = socket.socket()`, `s.settimeout(${probeTimeoutSeconds})`,
    'try:', `    s.connect((${JSON.stringify(network.gateway)}, ${port}))`, '    print("reached")',
    'except OSError as e:', '    print("blocked", e)',
  ].join('\n');
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['python3', '-c', script],
    Labels: { [labelKeys.managed]: 'true', [labelKeys.instance]: instance, [labelKeys.role]: 'network-probe' },
    HostConfig: { NetworkMode: network.name, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], Memory: 64 * 1024 * 1024, PidsLimit: 16 },
  });
  try {
    await container.start();
    await container.wait();
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    return accepted || output.includes('reached');
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

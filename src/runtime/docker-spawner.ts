import Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { LauncherError, isConnectionError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import { fetchJupyterStatus } from './jupyter-status.js';
import { containerName, labelKeys, serverLabels } from './labels.js';
import type { ListedServer, ServerHandle, ServerSpec, ServerState, Spawner } from './spawner.js';

const notebookPort = '8888/tcp';
const readinessPollMs = 50;

export interface DockerSpawnerOptions {
  instance: string;
  logger: Logger;
  /** A unix socket path; empty uses DOCKER_HOST or the default socket. */
  socketPath?: string;
}

export function defaultNotebookCommand(baseUrl: string): string[] {
  return [
    'python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser',
    `--NotebookApp.base_url=${baseUrl}`, '--NotebookApp.trust_xheaders=True', '--NotebookApp.quit_button=False',
  ];
}

function engineUnreachable(cause: unknown): LauncherError {
  return new LauncherError(503, 'docker-unreachable', 'The Docker engine is not answering, so no notebook server can be started. Try again in a minute; if it lasts, the operator should check that dockerd is running.', { cause });
}

function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export class DockerSpawner implements Spawner {
  private readonly docker: Docker;

  constructor(private readonly options: DockerSpawnerOptions) {
    this.docker = options.socketPath ? new Docker({ socketPath: options.socketPath }) : new Docker();
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw engineUnreachable(error);
    }
  }

  async start(spec: ServerSpec): Promise<ServerHandle> {
    const name = containerName(this.options.instance, spec.id);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        name,
        Image: spec.image,
        Cmd: spec.command ?? defaultNotebookCommand(spec.baseUrl),
        Env: [`JUPYTER_TOKEN=${spec.token}`],
        Labels: serverLabels(this.options.instance, spec.id, { ...spec.labels, [labelKeys.image]: spec.image }),
        ExposedPorts: { [notebookPort]: {} },
        HostConfig: {
          PortBindings: { [notebookPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Memory: spec.limits.memoryMb * 1024 * 1024,
          MemorySwap: spec.limits.memoryMb * 1024 * 1024,
          NanoCpus: Math.round(spec.limits.cpus * 1e9),
          PidsLimit: spec.limits.pids,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
        },
      });
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        throw new LauncherError(503, 'image-missing', `The notebook image "${spec.image}" is not on this Docker engine. The operator can build it with "bash images/build-base.sh ${spec.image}" (npm start does this for the default image).`, { cause: error });
      }
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw new LauncherError(500, 'spawn-failed', `Docker refused to create the notebook server: ${(error as Error).message}`, { cause: error });
    }
    try {
      await container.start();
      const port = await this.publishedPort(container);
      const handle: ServerHandle = { id: spec.id, containerId: container.id, host: '127.0.0.1', port };
      await this.waitUntilReady(container, handle, spec);
      return handle;
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      if (error instanceof LauncherError) throw error;
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw new LauncherError(500, 'spawn-failed', `The notebook server could not be started: ${(error as Error).message}`, { cause: error });
    }
  }

  private async publishedPort(container: Docker.Container): Promise<number> {
    const info = await container.inspect();
    if (!info.State.Running) await this.failIfExited(container);
    const binding = info.NetworkSettings.Ports[notebookPort]?.find((entry) => entry.HostIp === '127.0.0.1') ?? info.NetworkSettings.Ports[notebookPort]?.[0];
    const port = Number(binding?.HostPort);
    if (!Number.isInteger(port) || port <= 0) throw new LauncherError(500, 'spawn-failed', 'Docker did not publish the notebook port of the new server.');
    return port;
  }

  private async waitUntilReady(container: Docker.Container, handle: ServerHandle, spec: ServerSpec): Promise<void> {
    const deadline = Date.now() + spec.startTimeoutMs;
    let polls = 0;
    while (Date.now() < deadline) {
      const status = await fetchJupyterStatus(handle, spec.baseUrl, spec.token, 1000);
      if (status) return;
      if (++polls % 10 === 0 || polls === 1) await this.failIfExited(container);
      await sleep(readinessPollMs);
    }
    await this.failIfExited(container);
    throw new LauncherError(504, 'start-timeout', `The notebook server did not answer within ${Math.round(spec.startTimeoutMs / 1000)} s, so it was removed. The machine may be busy: try again in a minute.`);
  }

  private async failIfExited(container: Docker.Container): Promise<void> {
    const info = await container.inspect();
    if (info.State.Running) return;
    const logs = await this.tailLogs(container);
    this.options.logger.warn({ containerId: container.id, exitCode: info.State.ExitCode, logs }, 'notebook server exited during start');
    throw new LauncherError(502, 'server-died', `The notebook server stopped while starting (exit code ${info.State.ExitCode}). Its last output: ${logs || '(none)'}`, { details: { exitCode: info.State.ExitCode } });
  }

  private async tailLogs(container: Docker.Container): Promise<string> {
    try {
      const buffer = await container.logs({ stdout: true, stderr: true, tail: 5, follow: false });
      return demultiplex(buffer).trim().slice(-1000);
    } catch {
      return '';
    }
  }

  async stop(id: string, options: { remove: boolean }): Promise<void> {
    const container = this.docker.getContainer(containerName(this.options.instance, id));
    try {
      if (options.remove) await container.remove({ force: true, v: true });
      else await container.stop({ t: 5 });
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 404 || status === 304) return;
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
  }

  async poll(id: string): Promise<ServerState> {
    try {
      const info = await this.docker.getContainer(containerName(this.options.instance, id)).inspect();
      return info.State.Running ? 'running' : 'stopped';
    } catch (error) {
      if (statusCodeOf(error) === 404) return 'missing';
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
  }

  async list(): Promise<ListedServer[]> {
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.docker.listContainers({
        all: true,
        filters: { label: [`${labelKeys.managed}=true`, `${labelKeys.instance}=${this.options.instance}`] },
      });
    } catch (error) {
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
    return containers.map((info) => ({
      id: info.Labels[labelKeys.session] ?? '',
      containerId: info.Id,
      state: info.State === 'running' ? 'running' : 'stopped',
      labels: info.Labels,
    }));
  }
}

/** Docker multiplexes stdout and stderr in 8-byte-framed chunks when there is no TTY. */
function demultiplex(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join('') : buffer.toString('utf8');
}

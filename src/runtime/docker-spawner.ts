import Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { LauncherError, isConnectionError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import { fetchJupyterStatus } from './jupyter-status.js';
import { engineUnreachable, statusCodeOf, tailLogs } from './docker-support.js';
import { containerName, labelKeys, serverLabels } from './labels.js';
import { DockerSandboxNetwork } from './sandbox-network.js';
import { notebookHomeDir, type ListedServer, type ServerHandle, type ServerSpec, type ServerState, type Spawner } from './spawner.js';

const notebookPort = '8888/tcp';
const readinessPollMs = 50;

export interface DockerSpawnerOptions {
  instance: string;
  logger: Logger;
  /** A unix socket path; empty uses DOCKER_HOST or the default socket. */
  socketPath?: string;
  /** The network servers join (the instance's sandbox network by default). */
  network?: DockerSandboxNetwork;
  /** Most a server may write to its own disk, in MiB (0: no limit): a storage quota where the engine has one, and the largest file. */
  diskMb?: number;
}

export function defaultNotebookCommand(baseUrl: string): string[] {
  return [
    'python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser',
    `--NotebookApp.base_url=${baseUrl}`, '--NotebookApp.trust_xheaders=True', '--NotebookApp.quit_button=False',
  ];
}

export class DockerSpawner implements Spawner {
  private readonly docker: Docker;
  private readonly network: DockerSandboxNetwork;
  /** Whether the engine takes `--storage-opt size=` (overlay2 on xfs with pquota); learnt from the first start. */
  private storageQuota: boolean;

  constructor(private readonly options: DockerSpawnerOptions) {
    this.storageQuota = (options.diskMb ?? 0) > 0;
    this.docker = options.socketPath ? new Docker({ socketPath: options.socketPath }) : new Docker();
    this.network = options.network ?? new DockerSandboxNetwork(options.instance, options.socketPath);
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw engineUnreachable(error);
    }
  }

  async start(spec: ServerSpec): Promise<ServerHandle> {
    let container: Docker.Container;
    await this.network.ensure();
    try {
      if (spec.home) await this.docker.createVolume({ Name: spec.home.name, Labels: spec.home.labels });
      container = await this.createContainer(spec);
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        throw new LauncherError(503, 'image-missing', `The notebook image "${spec.image}" is not on this Docker engine. The operator can build it with "bash images/build-base.sh ${spec.image}" (npm start does this for the default image).`, { cause: error });
      }
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw new LauncherError(500, 'spawn-failed', `Docker refused to create the notebook server: ${(error as Error).message}`, { cause: error });
    }
    try {
      return await this.bringUp(container, spec);
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw startFailure(error);
    }
  }

  async resume(spec: ServerSpec): Promise<ServerHandle | null> {
    const container = this.docker.getContainer(containerName(this.options.instance, spec.id));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      if (statusCodeOf(error) === 404) return null;
      throw startFailure(error);
    }
    if (!sameMakings(info, spec, this.network.name)) {
      await container.remove({ force: true }).catch(() => undefined);
      return null;
    }
    try {
      return await this.bringUp(container, spec, info.State.Running);
    } catch (error) {
      await container.stop({ t: 2 }).catch(() => undefined);
      throw startFailure(error);
    }
  }

  /** Creates with a storage quota while the engine takes one; on ext4 it refuses, and the disk watcher is the limit. */
  private async createContainer(spec: ServerSpec): Promise<Docker.Container> {
    if (!this.storageQuota) return this.docker.createContainer(this.containerSpec(spec));
    try {
      return await this.docker.createContainer(this.containerSpec(spec, true));
    } catch (error) {
      if (!/storage-?opt|quota|backing filesystem/i.test((error as Error).message)) throw error;
      this.storageQuota = false;
      this.options.logger.info({ err: (error as Error).message }, 'the Docker engine has no storage quota: server disk use is measured instead');
      return this.docker.createContainer(this.containerSpec(spec));
    }
  }

  private containerSpec(spec: ServerSpec, storageQuota = false): Docker.ContainerCreateOptions {
    const diskBytes = (this.options.diskMb ?? 0) * 1024 * 1024;
    return {
      name: containerName(this.options.instance, spec.id),
      Image: spec.image,
      Cmd: spec.command ?? defaultNotebookCommand(spec.baseUrl),
      Env: [`JUPYTER_TOKEN=${spec.token}`],
      Labels: serverLabels(this.options.instance, spec.id, { ...spec.labels, [labelKeys.image]: spec.image }),
      ExposedPorts: { [notebookPort]: {} },
      HostConfig: {
        // The sandbox: no other container, no host service, no private address (firewall rules of its bridge).
        NetworkMode: this.network.name,
        PortBindings: { [notebookPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        Memory: spec.limits.memoryMb * 1024 * 1024,
        MemorySwap: spec.limits.memoryMb * 1024 * 1024,
        NanoCpus: Math.round(spec.limits.cpus * 1e9),
        PidsLimit: spec.limits.pids,
        ...(diskBytes > 0 ? { Ulimits: [{ Name: 'fsize', Soft: diskBytes, Hard: diskBytes }] } : {}),
        ...(storageQuota ? { StorageOpt: { size: `${this.options.diskMb}m` } } : {}),
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ...(spec.home ? { Mounts: [{ Type: 'volume' as const, Source: spec.home.name, Target: notebookHomeDir }] } : {}),
      },
    };
  }

  /** Starts the container unless it runs, reads the published port (new after every start), waits for Jupyter. */
  private async bringUp(container: Docker.Container, spec: ServerSpec, running = false): Promise<ServerHandle> {
    if (!running) await container.start();
    const { port, containerId } = await this.publishedPort(container);
    const handle: ServerHandle = { id: spec.id, containerId, host: '127.0.0.1', port };
    await this.waitUntilReady(container, handle, spec);
    return handle;
  }

  private async publishedPort(container: Docker.Container): Promise<{ port: number; containerId: string }> {
    const info = await container.inspect();
    if (!info.State.Running) await this.failIfExited(container);
    const binding = info.NetworkSettings.Ports[notebookPort]?.find((entry) => entry.HostIp === '127.0.0.1') ?? info.NetworkSettings.Ports[notebookPort]?.[0];
    const port = Number(binding?.HostPort);
    if (!Number.isInteger(port) || port <= 0) throw new LauncherError(500, 'spawn-failed', 'Docker did not publish the notebook port of the new server.');
    return { port, containerId: info.Id };
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
    throw new LauncherError(504, 'start-timeout', `The notebook server did not answer within ${Math.round(spec.startTimeoutMs / 1000)} s, so it was shut down. The machine may be busy: try again in a minute.`);
  }

  private async failIfExited(container: Docker.Container): Promise<void> {
    const info = await container.inspect();
    if (info.State.Running) return;
    const logs = await tailLogs(container);
    this.options.logger.warn({ containerId: container.id, exitCode: info.State.ExitCode, logs }, 'notebook server exited during start');
    throw new LauncherError(502, 'server-died', `The notebook server stopped while starting (exit code ${info.State.ExitCode}). Its last output: ${logs || '(none)'}`, { details: { exitCode: info.State.ExitCode } });
  }

  async stop(id: string, options: { remove: boolean }): Promise<void> {
    const container = this.docker.getContainer(containerName(this.options.instance, id));
    try {
      if (options.remove) await container.remove({ force: true, v: true });
      else await container.stop({ t: 5 });
    } catch (error) {
      const status = statusCodeOf(error);
      // 409 on a forced removal: the engine is already removing it.
      if (status === 404 || status === 304 || (options.remove && status === 409)) return;
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
    // Helper containers (exports) carry no session label: they are not servers.
    return containers.filter((info) => info.Labels[labelKeys.session]).map((info) => ({
      id: info.Labels[labelKeys.session] ?? '',
      containerId: info.Id,
      state: info.State === 'running' ? 'running' : 'stopped',
      labels: info.Labels,
    }));
  }
}

/** Whether the container was made as `spec` asks: same image, limits (a workshop's may change between runs) and network. */
function sameMakings(info: Docker.ContainerInspectInfo, spec: ServerSpec, network: string): boolean {
  return info.Config.Image === spec.image
    && info.HostConfig.NetworkMode === network
    && info.HostConfig.Memory === spec.limits.memoryMb * 1024 * 1024
    && info.HostConfig.NanoCpus === Math.round(spec.limits.cpus * 1e9);
}

function startFailure(error: unknown): LauncherError {
  if (error instanceof LauncherError) return error;
  if (isConnectionError(error)) return engineUnreachable(error);
  return new LauncherError(500, 'spawn-failed', `The notebook server could not be started: ${(error as Error).message}`, { cause: error });
}

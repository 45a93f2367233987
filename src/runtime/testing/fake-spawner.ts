import { LauncherError } from '../../errors/launcher-error.js';
import { serverLabels } from '../labels.js';
import type { ListedServer, ServerHandle, ServerSpec, ServerState, Spawner } from '../spawner.js';
import { FakeHomeVolumes } from './fake-home-volumes.js';

export interface FakeServer {
  id: string;
  containerId: string;
  host: string;
  port: number;
  state: 'running' | 'stopped';
  labels: Record<string, string>;
  spec: ServerSpec;
}

export interface FakeSpawnerOptions {
  /** Instance name written into the labels, as the Docker spawner does. */
  instance?: string;
  /** Port of the first server; each later one gets the next port. */
  firstPort?: number;
  /** Where servers with a home volume keep it; a new one otherwise (`spawner.volumes`). */
  volumes?: FakeHomeVolumes;
}

/**
 * An in-memory Spawner: servers are map entries, reachable (nominally) on 127.0.0.1 and an
 * incrementing port. Every call is recorded so tests can check what the launcher asked for.
 */
export class FakeSpawner implements Spawner {
  readonly servers = new Map<string, FakeServer>();
  readonly starts: ServerSpec[] = [];
  readonly stops: Array<{ id: string; remove: boolean }> = [];
  readonly polls: string[] = [];
  readonly resumes: ServerSpec[] = [];
  readonly volumes: FakeHomeVolumes;
  /** The most servers that were running at the same time. */
  peakRunning = 0;
  protected readonly instance: string;
  private nextPort: number;
  private nextContainer = 1;

  constructor(options: FakeSpawnerOptions = {}) {
    this.instance = options.instance ?? 'test';
    this.nextPort = options.firstPort ?? 20000;
    this.volumes = options.volumes ?? new FakeHomeVolumes();
    this.volumes.inUse = () => new Set([...this.servers.values()].flatMap((server) => (server.spec.home ? [server.spec.home.name] : [])));
  }

  async start(spec: ServerSpec): Promise<ServerHandle> {
    this.starts.push(spec);
    return this.create(spec);
  }

  /** Adds a running server at once; subclasses call it after their delay or checks. */
  protected create(spec: ServerSpec): ServerHandle {
    if (this.servers.has(spec.id)) {
      throw new LauncherError(500, 'spawn-failed', `A server named ${spec.id} already exists.`);
    }
    if (spec.home) this.volumes.ensure(spec.home.name, spec.home.labels);
    const server: FakeServer = {
      id: spec.id,
      containerId: `fake-${this.nextContainer++}`,
      host: '127.0.0.1',
      port: this.nextPort++,
      state: 'running',
      labels: serverLabels(this.instance, spec.id, spec.labels),
      spec,
    };
    this.servers.set(spec.id, server);
    this.peakRunning = Math.max(this.peakRunning, this.running().length);
    return { id: server.id, containerId: server.containerId, host: server.host, port: server.port };
  }

  /** A stopped server runs again on a new port, as a restarted Docker container may. */
  async resume(spec: ServerSpec): Promise<ServerHandle | null> {
    this.resumes.push(spec);
    const server = this.servers.get(spec.id);
    if (!server) return null;
    const { memoryMb, cpus } = server.spec.limits;
    if (server.spec.image !== spec.image || memoryMb !== spec.limits.memoryMb || cpus !== spec.limits.cpus) {
      this.servers.delete(spec.id);
      return null;
    }
    if (server.state === 'stopped') {
      server.state = 'running';
      server.port = this.nextPort++;
      this.peakRunning = Math.max(this.peakRunning, this.running().length);
    }
    return { id: server.id, containerId: server.containerId, host: server.host, port: server.port };
  }

  /** Ids whose next stop fails (as a container removed by someone else meanwhile does). */
  readonly failStopOf = new Set<string>();

  async stop(id: string, options: { remove: boolean }): Promise<void> {
    this.stops.push({ id, remove: options.remove });
    if (this.failStopOf.delete(id)) throw new Error(`(HTTP code 409) unexpected - removal of container ${id} is already in progress`);
    const server = this.servers.get(id);
    if (!server) return;
    if (options.remove) this.servers.delete(id);
    else server.state = 'stopped';
  }

  async poll(id: string): Promise<ServerState> {
    this.polls.push(id);
    return this.servers.get(id)?.state ?? 'missing';
  }

  async list(): Promise<ListedServer[]> {
    return [...this.servers.values()].map((server) => ({
      id: server.id, containerId: server.containerId, state: server.state, labels: { ...server.labels },
    }));
  }

  async ping(): Promise<void> {}

  /** Simulates a server that died on its own: its container stays, stopped. */
  kill(id: string): void {
    const server = this.servers.get(id);
    if (!server) throw new Error(`FakeSpawner has no server ${id}`);
    server.state = 'stopped';
  }

  /** Simulates a container removed behind the launcher's back. */
  vanish(id: string): void {
    this.servers.delete(id);
  }

  /** Ids of the servers running now. */
  running(): string[] {
    return [...this.servers.values()].filter((server) => server.state === 'running').map((server) => server.id);
  }
}

import type { Config } from '../config/schema.js';
import { serverBaseUrl } from '../proxy/server-path.js';
import { FifoQueue, type QueueStats } from '../queue/fifo-queue.js';
import type { HomeVolume, ServerHandle, ServerSpec, Spawner } from '../runtime/spawner.js';

export interface StartRequest {
  id: string;
  image: string;
  token: string;
  labels?: Record<string, string>;
  /** Memory and CPU of this server (a workshop's limits); the launcher's `server` settings otherwise. */
  limits?: { memoryMb: number; cpus: number };
  home?: HomeVolume;
  /** Start the server's existing container again when there is one (a persistent server). */
  resume?: boolean;
}

export interface StartOptions {
  /** Pool refills: behind every waiting launch, and never in every slot at once. */
  background?: boolean;
  /** Runs once a slot is free, before the container is created; if it throws, nothing starts. */
  beforeStart?: () => Promise<void>;
  onPosition?: (position: number) => void;
}

export interface ServerStarterDeps {
  spawner: Spawner;
  config: Pick<Config, 'server'>;
  /** Replaces the notebook command of every server (tests use it to make failing servers). */
  serverCommand?: string[];
}

/**
 * Every cold start, launch or pool refill, goes through one FIFO queue of
 * `server.maxConcurrentStarts`, so a burst of launches never has the Docker engine create
 * more containers at once than it can start within the start timeout.
 */
export class ServerStarter {
  private readonly queue: FifoQueue;

  constructor(private readonly deps: ServerStarterDeps) {
    const limit = deps.config.server.maxConcurrentStarts;
    this.queue = new FifoQueue(limit, { backgroundLimit: limit - 1 });
  }

  start(request: StartRequest, options: StartOptions = {}): Promise<ServerHandle> {
    const { spawner, config, serverCommand } = this.deps;
    return this.queue.run(async () => {
      await options.beforeStart?.();
      const spec: ServerSpec = {
        id: request.id,
        image: request.image,
        token: request.token,
        ...(request.labels ? { labels: request.labels } : {}),
        baseUrl: serverBaseUrl(request.id),
        limits: { ...config.server, ...request.limits },
        startTimeoutMs: config.server.startTimeoutSeconds * 1000,
        ...(serverCommand ? { command: serverCommand } : {}),
        ...(request.home ? { home: request.home } : {}),
      };
      return (request.resume ? await spawner.resume(spec) : null) ?? spawner.start(spec);
    }, {
      ...(options.background ? { background: true } : {}),
      ...(options.onPosition ? { onPosition: options.onPosition } : {}),
    });
  }

  get stats(): QueueStats {
    return this.queue.stats;
  }
}

/** What the launcher asks of a spawner: one notebook server, reachable on host:port. */
export interface ServerSpec {
  /** The session id: names the container and forms the base URL. */
  id: string;
  image: string;
  /** The Jupyter token of this server. */
  token: string;
  /** Path prefix the server is mounted at, e.g. `/s/<id>/`. */
  baseUrl: string;
  limits: { memoryMb: number; cpus: number; pids: number };
  startTimeoutMs: number;
  /** Extra labels; the spawner always adds its own. */
  labels?: Record<string, string>;
  /** Replaces the notebook command (tests use it to make servers that fail). */
  command?: string[];
}

export interface ServerHandle {
  id: string;
  containerId: string;
  host: string;
  port: number;
}

export type ServerState = 'running' | 'stopped' | 'missing';

export interface ListedServer {
  id: string;
  containerId: string;
  state: Exclude<ServerState, 'missing'>;
  labels: Record<string, string>;
}

/**
 * The contract every spawner keeps. `start` resolves only once the server answers;
 * it throws a LauncherError with a reason (`image-missing`, `server-died`,
 * `start-timeout`, `docker-unreachable`) and leaves nothing behind when it fails.
 */
export interface Spawner {
  start(spec: ServerSpec): Promise<ServerHandle>;
  stop(id: string, options: { remove: boolean }): Promise<void>;
  poll(id: string): Promise<ServerState>;
  /** Every server this launcher instance made, running or not. */
  list(): Promise<ListedServer[]>;
  /** Resolves when the engine answers; throws a LauncherError otherwise. */
  ping(): Promise<void>;
}

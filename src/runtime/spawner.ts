/** A named volume mounted on the notebook home directory: an attendee's files, kept across stops. */
export interface HomeVolume {
  /** Deterministic per (workshop, attendee), e.g. `nblaunch-<instance>-ws-<slug>-<attendeeId>`. */
  name: string;
  labels: Record<string, string>;
}

/** The notebook user's home in every image the launcher runs (see images/base). */
export const notebookHomeDir = '/home/jovyan';

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
  /**
   * Mounted on the home directory, created when missing. Docker fills an empty named volume
   * from the image's home on first mount, so the repo's files appear the first time only.
   */
  home?: HomeVolume;
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
 * `start-timeout`, `docker-unreachable`) and leaves no container behind when it fails
 * (a home volume stays: it holds someone's files).
 */
export interface Spawner {
  start(spec: ServerSpec): Promise<ServerHandle>;
  /**
   * Starts the existing container of `spec.id` again (a stopped persistent server), reads its
   * published port anew (it can change across restarts) and waits until it answers. Resolves
   * null when there is no such container, or when it was made with another image, other
   * memory/CPU limits than `spec` or on another network (that container is removed, so the caller starts a new one on
   * the same home volume).
   * A container that fails to come back is left stopped.
   */
  resume(spec: ServerSpec): Promise<ServerHandle | null>;
  /** `remove: false` stops the container and keeps it (and always keeps named volumes). */
  stop(id: string, options: { remove: boolean }): Promise<void>;
  poll(id: string): Promise<ServerState>;
  /** Every server this launcher instance made, running or not (not its helper containers). */
  list(): Promise<ListedServer[]>;
  /** Resolves when the engine answers; throws a LauncherError otherwise. */
  ping(): Promise<void>;
}

import type { ServerOwner } from '../proxy/route-store.js';

export type EndReason = 'idle' | 'max-age' | 'deleted' | 'server-gone' | 'disk-limit';

export interface SessionRecord {
  id: string;
  /** The Jupyter token: the launcher needs it to ask the server for its activity. */
  token: string;
  image: string;
  clientIp: string;
  containerId: string;
  host: string;
  port: number;
  createdAt: number;
  expiresAt: number;
  /** The repo the image was built from (display name), for per-repo quotas. */
  repo?: string;
  /**
   * A workshop attendee's persistent server: it has no maximum age (`expiresAt` is the
   * workshop's end, for information) and stops rather than ends.
   */
  owner?: ServerOwner;
  /** Idle time counts from here when it is later than the start: a server warmed before its workshop begins. */
  idleFrom?: number;
}

export interface EndedSession {
  reason: EndReason;
  endedAt: number;
}

export type ReserveOutcome = 'ok' | 'full' | 'ip-limit';

/** Where sessions live (Redis in production); every method is async and may throw a 503 LauncherError. */
export interface SessionStore {
  /** Takes a capacity slot for `id` atomically, counting both the global and the per-address cap. */
  reserve(id: string, clientIp: string, limits: { maxServers: number; maxServersPerIp: number }): Promise<ReserveOutcome>;
  /** Marks a reservation as still in use by a launch that waits to start, so it is not taken for one that died. */
  renew(id: string): Promise<void>;
  /** Gives back a slot whose launch failed. */
  release(id: string, clientIp: string): Promise<void>;
  save(record: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  list(): Promise<SessionRecord[]>;
  /** Removes the session, frees its slot and leaves a short-lived note of why it ended. Idempotent. */
  end(id: string, reason: EndReason): Promise<SessionRecord | null>;
  ended(id: string): Promise<EndedSession | null>;
  /** Removes the session and frees its slot without a note: a persistent server that stopped can run again. */
  forget(id: string): Promise<SessionRecord | null>;
  /** Slots reserved longer ago than `olderThanMs` whose launch never completed. */
  staleReservations(olderThanMs: number): Promise<Array<{ id: string; clientIp: string }>>;
  /** Ids holding a slot: running sessions and launches in progress. */
  slotIds(): Promise<string[]>;
  count(): Promise<number>;
}

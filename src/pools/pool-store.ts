import type { SessionRecord } from '../sessions/session-store.js';

/** The client address that holds the capacity slots of pooled servers; no real address looks like it. */
export const poolAddress = 'pool';

/** A running notebook server waiting in a pool, belonging to nobody yet. */
export interface PooledServer {
  id: string;
  /** The pool's key: `default`, or `<provider>/<spec>` of a repo pool. */
  pool: string;
  image: string;
  token: string;
  containerId: string;
  host: string;
  port: number;
  /** When it became ready; it is recycled `pool.maxIdleSeconds` later. */
  pooledAt: number;
}

/** A server reserved for a pool whose container is still starting. */
export interface StartingServer {
  id: string;
  pool: string;
  image: string;
}

export interface PoolSnapshot {
  ready: PooledServer[];
  starting: StartingServer[];
}

export type PoolReserveOutcome = 'ok' | 'full' | 'pool-full';

export type HandOutResult =
  | { outcome: 'ok'; record: SessionRecord; pool: string }
  | { outcome: 'empty' | 'ip-limit' };

export interface HandOutTerms {
  createdAt: number;
  expiresAt: number;
  repo?: string;
}

/**
 * Where pooled servers live (Redis in production), sharing the capacity slots of the
 * SessionStore: a pooled server holds a slot in the name of `poolAddress`.
 */
export interface PoolStore {
  /**
   * Takes a capacity slot for a server about to start for `pool`, atomically refusing when the
   * launcher is full (`full`) or the pool already holds `size` servers, ready or starting (`pool-full`).
   */
  reserve(id: string, pool: string, image: string, size: number, limits: { maxServers: number }): Promise<PoolReserveOutcome>;
  /** Makes a started server ready to hand out; false when its reservation is gone (the caller removes the container). */
  add(server: PooledServer): Promise<boolean>;
  /**
   * One atomic step: takes the oldest ready server of `image`, checks and applies the per-address
   * limit of `clientIp` (moving the slot to it), and turns the pooled record into its session.
   */
  claim(image: string, clientIp: string, terms: HandOutTerms, limits: { maxServersPerIp: number }): Promise<HandOutResult>;
  /** Forgets a server the pool still holds (ready or starting) and frees its slot; false when it is not the pool's (handed out, or gone). */
  remove(id: string): Promise<boolean>;
  snapshot(): Promise<PoolSnapshot>;
}

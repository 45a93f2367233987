import type { SessionRecord } from '../../sessions/session-store.js';
import type { MemorySessionStore } from '../../sessions/testing/memory-session-store.js';
import {
  poolAddress, type HandOutResult, type HandOutTerms, type PoolReserveOutcome, type PoolSnapshot, type PoolStore, type PooledServer,
} from '../pool-store.js';

interface Entry {
  pool: string;
  image: string;
  ready?: PooledServer;
}

/**
 * An in-process PoolStore with the semantics of RedisPoolStore, over the slots of a
 * MemorySessionStore. Each method checks and writes without awaiting in between, which is
 * what one Lua script gives in Redis: two claims can never take the same server.
 */
export class MemoryPoolStore implements PoolStore {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly sessions: MemorySessionStore, options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  async reserve(id: string, pool: string, image: string, size: number, limits: { maxServers: number }): Promise<PoolReserveOutcome> {
    const held = [...this.entries.values()].filter((entry) => entry.pool === pool).length;
    if (held >= size) return 'pool-full';
    if (this.sessions.slots.size >= limits.maxServers) return 'full';
    this.sessions.slots.set(id, { clientIp: poolAddress, reservedAt: this.now() });
    this.entries.set(id, { pool, image });
    return 'ok';
  }

  async add(server: PooledServer): Promise<boolean> {
    const entry = this.entries.get(server.id);
    if (!entry || !this.heldByPool(server.id)) return false;
    entry.ready = { ...server };
    return true;
  }

  async claim(image: string, clientIp: string, terms: HandOutTerms, limits: { maxServersPerIp: number }): Promise<HandOutResult> {
    const ofIp = [...this.sessions.slots.values()].filter((slot) => slot.clientIp === clientIp).length;
    if (ofIp >= limits.maxServersPerIp) return { outcome: 'ip-limit' };
    const server = this.readyServers()
      .filter((ready) => ready.image === image && this.heldByPool(ready.id))
      .sort((a, b) => a.pooledAt - b.pooledAt || (a.id < b.id ? -1 : 1))[0];
    if (!server) return { outcome: 'empty' };
    this.entries.delete(server.id);
    this.sessions.slots.set(server.id, { clientIp, reservedAt: terms.createdAt });
    const record: SessionRecord = {
      id: server.id, token: server.token, image: server.image, clientIp, containerId: server.containerId,
      host: server.host, port: server.port, createdAt: terms.createdAt, expiresAt: terms.expiresAt,
      ...(terms.repo ? { repo: terms.repo } : {}),
    };
    this.sessions.records.set(server.id, record);
    return { outcome: 'ok', record: { ...record }, pool: server.pool };
  }

  async remove(id: string): Promise<boolean> {
    if (!this.heldByPool(id)) return false;
    this.entries.delete(id);
    this.sessions.slots.delete(id);
    return true;
  }

  async snapshot(): Promise<PoolSnapshot> {
    const snapshot: PoolSnapshot = { ready: [], starting: [] };
    for (const [id, entry] of this.entries) {
      if (!this.heldByPool(id)) continue;
      if (entry.ready) snapshot.ready.push({ ...entry.ready });
      else snapshot.starting.push({ id, pool: entry.pool, image: entry.image });
    }
    return snapshot;
  }

  private readyServers(): PooledServer[] {
    return [...this.entries.values()].flatMap((entry) => (entry.ready ? [entry.ready] : []));
  }

  private heldByPool(id: string): boolean {
    return this.sessions.slots.get(id)?.clientIp === poolAddress;
  }
}

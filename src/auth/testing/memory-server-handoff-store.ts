import type { Handoff, ServerGrant, ServerHandoffStore } from '../server-handoff-store.js';

interface Entry<T> { value: T; expiresAt: number }

/** An in-process ServerHandoffStore; entries expire after their time-to-live, as in Redis. */
export class MemoryServerHandoffStore implements ServerHandoffStore {
  readonly codes = new Map<string, Entry<Handoff>>();
  readonly grants = new Map<string, Entry<ServerGrant>>();

  constructor(private readonly now: () => number = Date.now) {}

  async saveCode(codeHash: string, handoff: Handoff, ttlMs: number): Promise<void> {
    this.codes.set(codeHash, { value: structuredClone(handoff), expiresAt: this.now() + ttlMs });
  }

  async takeCode(codeHash: string): Promise<Handoff | null> {
    const entry = this.codes.get(codeHash);
    this.codes.delete(codeHash);
    return entry && entry.expiresAt > this.now() ? structuredClone(entry.value) : null;
  }

  async saveGrant(idHash: string, grant: ServerGrant, ttlMs: number): Promise<void> {
    this.grants.set(idHash, { value: structuredClone(grant), expiresAt: this.now() + ttlMs });
  }

  async getGrant(idHash: string): Promise<ServerGrant | null> {
    const entry = this.grants.get(idHash);
    return entry && entry.expiresAt > this.now() ? structuredClone(entry.value) : null;
  }
}

import type { EndReason, EndedSession, ReserveOutcome, SessionRecord, SessionStore } from '../session-store.js';

const endedNoteMs = 7 * 24 * 3600 * 1000;

export interface Slot {
  clientIp: string;
  reservedAt: number;
}

/**
 * An in-process SessionStore with the semantics of RedisSessionStore: a slot per session or
 * launch in progress, reserved atomically against both caps (nothing awaits between the check
 * and the write), records listed only while they hold a slot, and an ended note kept for a week.
 */
export class MemorySessionStore implements SessionStore {
  /** Shared with MemoryPoolStore, whose servers hold slots too, as in Redis. */
  readonly slots = new Map<string, Slot>();
  readonly records = new Map<string, SessionRecord>();
  private readonly endedNotes = new Map<string, EndedSession>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  async reserve(id: string, clientIp: string, limits: { maxServers: number; maxServersPerIp: number }): Promise<ReserveOutcome> {
    if (this.slots.has(id)) return 'ok';
    if (this.slots.size >= limits.maxServers) return 'full';
    const ofIp = [...this.slots.values()].filter((slot) => slot.clientIp === clientIp).length;
    if (ofIp >= limits.maxServersPerIp) return 'ip-limit';
    this.slots.set(id, { clientIp, reservedAt: this.now() });
    return 'ok';
  }

  async renew(id: string): Promise<void> {
    const slot = this.slots.get(id);
    if (slot) slot.reservedAt = this.now();
  }

  async release(id: string, _clientIp: string): Promise<void> {
    this.slots.delete(id);
  }

  async save(record: SessionRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<SessionRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async list(): Promise<SessionRecord[]> {
    return this.slotOrder()
      .map((id) => this.records.get(id))
      .filter((record): record is SessionRecord => record !== undefined)
      .map((record) => structuredClone(record));
  }

  async end(id: string, reason: EndReason): Promise<SessionRecord | null> {
    const record = this.records.get(id) ?? null;
    this.records.delete(id);
    this.slots.delete(id);
    this.endedNotes.set(id, { reason, endedAt: this.now() });
    return record;
  }

  async forget(id: string): Promise<SessionRecord | null> {
    const record = this.records.get(id) ?? null;
    this.records.delete(id);
    this.slots.delete(id);
    return record;
  }

  async ended(id: string): Promise<EndedSession | null> {
    const note = this.endedNotes.get(id);
    if (!note || this.now() - note.endedAt >= endedNoteMs) return null;
    return { ...note };
  }

  async staleReservations(olderThanMs: number): Promise<Array<{ id: string; clientIp: string }>> {
    const cutoff = this.now() - olderThanMs;
    return this.slotOrder()
      .filter((id) => this.slots.get(id)!.reservedAt <= cutoff && !this.records.has(id))
      .map((id) => ({ id, clientIp: this.slots.get(id)!.clientIp }));
  }

  async slotIds(): Promise<string[]> {
    return this.slotOrder();
  }

  async count(): Promise<number> {
    return this.slots.size;
  }

  /** Slot ids by reservation time, then id, like a Redis sorted set. */
  private slotOrder(): string[] {
    return [...this.slots.entries()]
      .sort(([a, slotA], [b, slotB]) => slotA.reservedAt - slotB.reservedAt || (a < b ? -1 : a > b ? 1 : 0))
      .map(([id]) => id);
  }
}

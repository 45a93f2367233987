import type { AddTokenOutcome, OrganizerTokenRecord, OrganizerTokenStore } from '../organizer-token-store.js';

/** An in-process OrganizerTokenStore with the semantics of the Redis one. */
export class MemoryOrganizerTokenStore implements OrganizerTokenStore {
  readonly records = new Map<string, OrganizerTokenRecord>();

  async add(record: OrganizerTokenRecord, options: { onlyIfNone?: boolean } = {}): Promise<AddTokenOutcome> {
    if ([...this.records.values()].some((existing) => existing.tokenHash === record.tokenHash)) return 'exists';
    if (options.onlyIfNone && this.records.size > 0) return 'not-first';
    this.records.set(record.id, { ...record });
    return 'added';
  }

  async findByHash(tokenHash: string): Promise<OrganizerTokenRecord | null> {
    const found = [...this.records.values()].find((record) => record.tokenHash === tokenHash);
    return found ? { ...found } : null;
  }

  async get(id: string): Promise<OrganizerTokenRecord | null> {
    const found = this.records.get(id);
    return found ? { ...found } : null;
  }

  async list(): Promise<OrganizerTokenRecord[]> {
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((record) => ({ ...record }));
  }

  async remove(id: string): Promise<boolean> {
    return this.records.delete(id);
  }
}

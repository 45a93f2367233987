import type { PersistentServer } from '../persistent-server.js';
import type { PersistentServerStore } from '../persistent-server-store.js';

/** An in-process PersistentServerStore with the semantics of the Redis one. */
export class MemoryPersistentServerStore implements PersistentServerStore {
  readonly servers = new Map<string, PersistentServer>();

  async save(server: PersistentServer): Promise<void> {
    this.servers.set(server.id, structuredClone(server));
  }

  async get(id: string): Promise<PersistentServer | null> {
    const server = this.servers.get(id);
    return server ? structuredClone(server) : null;
  }

  async listOf(workshop: string): Promise<PersistentServer[]> {
    return [...this.servers.values()].filter((server) => server.workshop === workshop)
      .sort((a, b) => a.id.localeCompare(b.id)).map((server) => structuredClone(server));
  }

  async ids(): Promise<string[]> {
    return [...this.servers.keys()].sort();
  }

  async remove(id: string): Promise<void> {
    this.servers.delete(id);
  }
}

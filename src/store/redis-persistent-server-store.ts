import type { TokenSealer } from '../auth/token-sealer.js';
import type { PersistentServer } from '../persistent/persistent-server.js';
import type { PersistentServerStore } from '../persistent/persistent-server-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** `persistent:<id>` (JSON), `persistent-ids` and `persistent-of:<slug>` (sets of ids). */
export class RedisPersistentServerStore implements PersistentServerStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string, private readonly sealer: TokenSealer) {
    this.keys = storeKeys(instance);
  }

  save(server: PersistentServer): Promise<void> {
    return storeCall(async () => {
      await this.redis.multi()
        .set(this.keys.persistent(server.id), JSON.stringify({ ...server, token: this.sealer.seal(server.token) }))
        .sAdd(this.keys.persistentIds, server.id)
        .sAdd(this.keys.persistentOf(server.workshop), server.id)
        .exec();
    });
  }

  get(id: string): Promise<PersistentServer | null> {
    return storeCall(async () => {
      const raw = await this.redis.get(this.keys.persistent(id));
      return raw ? this.parse(raw) : null;
    });
  }

  listOf(workshop: string): Promise<PersistentServer[]> {
    return storeCall(async () => {
      const ids = (await this.redis.sMembers(this.keys.persistentOf(workshop))).sort();
      if (ids.length === 0) return [];
      const raws = await this.redis.mGet(ids.map((id) => this.keys.persistent(id)));
      return raws.filter((raw): raw is string => typeof raw === 'string').map((raw) => this.parse(raw));
    });
  }

  private parse(raw: string): PersistentServer {
    const server = JSON.parse(raw) as PersistentServer;
    return { ...server, token: this.sealer.open(server.token) };
  }

  ids(): Promise<string[]> {
    return storeCall(async () => (await this.redis.sMembers(this.keys.persistentIds)).sort());
  }

  remove(id: string): Promise<void> {
    return storeCall(async () => {
      const server = await this.get(id);
      const multi = this.redis.multi().del(this.keys.persistent(id)).sRem(this.keys.persistentIds, id);
      if (server) multi.sRem(this.keys.persistentOf(server.workshop), id);
      await multi.exec();
    });
  }
}

import type { Handoff, ServerGrant, ServerHandoffStore } from '../auth/server-handoff-store.js';
import type { TokenSealer } from '../auth/token-sealer.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** One JSON string per code and per grant, expiring by itself; GETDEL takes a code once, across launchers. */
export class RedisServerHandoffStore implements ServerHandoffStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string, private readonly sealer: TokenSealer) {
    this.keys = storeKeys(instance);
  }

  saveCode(codeHash: string, handoff: Handoff, ttlMs: number): Promise<void> {
    // The page carries the server's Jupyter token (`tree?token=...`).
    return this.save(this.keys.handoff(codeHash), { ...handoff, page: this.sealer.seal(handoff.page) }, ttlMs);
  }

  takeCode(codeHash: string): Promise<Handoff | null> {
    return this.load<Handoff>(this.keys.handoff(codeHash), 'take').then((handoff) => handoff && { ...handoff, page: this.sealer.open(handoff.page) });
  }

  saveGrant(idHash: string, grant: ServerGrant, ttlMs: number): Promise<void> {
    return this.save(this.keys.serverGrant(idHash), grant, ttlMs);
  }

  getGrant(idHash: string): Promise<ServerGrant | null> {
    return this.load<ServerGrant>(this.keys.serverGrant(idHash), 'read');
  }

  private save(key: string, value: Handoff | ServerGrant, ttlMs: number): Promise<void> {
    return storeCall(async () => {
      await this.redis.set(key, JSON.stringify(value), { PX: Math.max(1, Math.round(ttlMs)) });
    });
  }

  private load<T>(key: string, how: 'take' | 'read'): Promise<T | null> {
    return storeCall(async () => {
      const raw = how === 'take' ? await this.redis.getDel(key) : await this.redis.get(key);
      return raw ? JSON.parse(raw) as T : null;
    });
  }
}

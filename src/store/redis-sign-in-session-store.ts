import type { SignInSession, SignInSessionStore } from '../auth/sign-in-session-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** One string per session, JSON, expiring with the session. */
export class RedisSignInSessionStore implements SignInSessionStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  save(idHash: string, session: SignInSession, ttlMs: number): Promise<void> {
    return storeCall(async () => {
      await this.redis.set(this.keys.signIn(idHash), JSON.stringify(session), { PX: Math.max(1, Math.round(ttlMs)) });
    });
  }

  get(idHash: string): Promise<SignInSession | null> {
    return storeCall(async () => {
      const raw = await this.redis.get(this.keys.signIn(idHash));
      return raw ? JSON.parse(raw) as SignInSession : null;
    });
  }

  remove(idHash: string): Promise<void> {
    return storeCall(async () => { await this.redis.del(this.keys.signIn(idHash)); });
  }
}

import type { RateLimiter } from '../build/rate-limiter.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** Fixed-window counters, expiring with their window. */
export class RedisRateLimiter implements RateLimiter {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    return storeCall(async () => {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      const counterKey = this.keys.rate(key, window);
      const [count] = (await this.redis.multi().incr(counterKey).pExpire(counterKey, windowMs).exec()) as unknown as [number];
      return { allowed: count <= limit, retryAfterMs: (window + 1) * windowMs - now };
    });
  }
}

import type { ImageUsage } from '../build/image-usage.js';
import { storeKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** A sorted set of image names scored by last launch time. */
export class RedisImageUsage implements ImageUsage {
  private readonly key: string;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.key = storeKeys(instance).imagesLastUsed;
  }

  touch(image: string, now = Date.now()): Promise<void> {
    return storeCall(async () => { await this.redis.zAdd(this.key, { score: now, value: image }); });
  }

  all(): Promise<Map<string, number>> {
    return storeCall(async () => {
      const entries = await this.redis.zRangeWithScores(this.key, 0, -1);
      return new Map(entries.map((entry) => [entry.value, entry.score]));
    });
  }

  forget(image: string): Promise<void> {
    return storeCall(async () => { await this.redis.zRem(this.key, image); });
  }
}

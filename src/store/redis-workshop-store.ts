import type { Workshop } from '../workshops/workshop.js';
import type { WorkshopStore } from '../workshops/workshop-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

const createScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`;

/** `workshop:<slug>` (JSON) and `workshops` (slugs by creation time). */
export class RedisWorkshopStore implements WorkshopStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  create(workshop: Workshop): Promise<boolean> {
    return storeCall(async () => Number(await this.redis.eval(createScript, {
      keys: [this.keys.workshop(workshop.slug), this.keys.workshops],
      arguments: [JSON.stringify(workshop), String(Date.parse(workshop.createdAt)), workshop.slug],
    })) === 1);
  }

  get(slug: string): Promise<Workshop | null> {
    return storeCall(async () => {
      const raw = await this.redis.get(this.keys.workshop(slug));
      return raw ? JSON.parse(raw) as Workshop : null;
    });
  }

  list(): Promise<Workshop[]> {
    return storeCall(async () => {
      const slugs = await this.redis.zRange(this.keys.workshops, 0, -1);
      if (slugs.length === 0) return [];
      const raws = await this.redis.mGet(slugs.map((slug) => this.keys.workshop(slug)));
      return raws.filter((raw): raw is string => typeof raw === 'string').map((raw) => JSON.parse(raw) as Workshop);
    });
  }

  save(workshop: Workshop): Promise<boolean> {
    return storeCall(async () => (await this.redis.set(this.keys.workshop(workshop.slug), JSON.stringify(workshop), { XX: true })) === 'OK');
  }

  remove(slug: string): Promise<boolean> {
    return storeCall(async () => {
      const [deleted] = (await this.redis.multi().del(this.keys.workshop(slug)).zRem(this.keys.workshops, slug).exec()) as unknown as [number];
      return deleted === 1;
    });
  }
}

import type { AddTokenOutcome, OrganizerTokenRecord, OrganizerTokenStore } from '../auth/organizer-token-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

const addScript = `
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'exists' end
if ARGV[4] == '1' and redis.call('HLEN', KEYS[1]) > 0 then return 'not-first' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 'added'`;

const parse = (raw: string | null | undefined): OrganizerTokenRecord | null => (raw ? JSON.parse(raw) as OrganizerTokenRecord : null);

/** `organizer-tokens` (id to record) and `organizer-token-ids` (token hash to id). */
export class RedisOrganizerTokenStore implements OrganizerTokenStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  add(record: OrganizerTokenRecord, options: { onlyIfNone?: boolean } = {}): Promise<AddTokenOutcome> {
    return storeCall(async () => String(await this.redis.eval(addScript, {
      keys: [this.keys.organizerTokens, this.keys.organizerTokenIds],
      arguments: [record.id, record.tokenHash, JSON.stringify(record), options.onlyIfNone ? '1' : '0'],
    })) as AddTokenOutcome);
  }

  findByHash(tokenHash: string): Promise<OrganizerTokenRecord | null> {
    return storeCall(async () => {
      const id = await this.redis.hGet(this.keys.organizerTokenIds, tokenHash);
      return id ? parse(await this.redis.hGet(this.keys.organizerTokens, id)) : null;
    });
  }

  get(id: string): Promise<OrganizerTokenRecord | null> {
    return storeCall(async () => parse(await this.redis.hGet(this.keys.organizerTokens, id)));
  }

  list(): Promise<OrganizerTokenRecord[]> {
    return storeCall(async () => Object.values(await this.redis.hGetAll(this.keys.organizerTokens))
      .map((raw) => JSON.parse(raw) as OrganizerTokenRecord)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  }

  remove(id: string): Promise<boolean> {
    return storeCall(async () => {
      const record = parse(await this.redis.hGet(this.keys.organizerTokens, id));
      if (!record) return false;
      await this.redis.multi().hDel(this.keys.organizerTokens, id).hDel(this.keys.organizerTokenIds, record.tokenHash).exec();
      return true;
    });
  }
}

import type { TokenSealer } from '../auth/token-sealer.js';
import type { EndReason, EndedSession, ReserveOutcome, SessionRecord, SessionStore } from '../sessions/session-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

const endedNoteSeconds = 7 * 24 * 3600;

const reserveScript = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 'ok' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 'ip-limit' end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])
return 'ok'`;

/** A session hash as read from Redis, its token opened. */
function toRecord(hash: Record<string, string>, sealer: TokenSealer): SessionRecord | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    token: sealer.open(hash.token ?? ''),
    image: hash.image ?? '',
    clientIp: hash.clientIp ?? '',
    containerId: hash.containerId ?? '',
    host: hash.host ?? '',
    port: Number(hash.port),
    createdAt: Number(hash.createdAt),
    expiresAt: Number(hash.expiresAt),
    ...(hash.repo ? { repo: hash.repo } : {}),
    ...(hash.idleFrom ? { idleFrom: Number(hash.idleFrom) } : {}),
    ...(hash.workshop && hash.attendeeId ? { owner: { workshop: hash.workshop, attendeeId: hash.attendeeId } } : {}),
  };
}

function toHash(record: SessionRecord, sealer: TokenSealer): Record<string, string> {
  const { owner, ...plain } = record;
  const fields = Object.fromEntries(Object.entries({ ...plain, token: sealer.seal(plain.token) }).map(([key, value]) => [key, String(value)]));
  return owner ? { ...fields, workshop: owner.workshop, attendeeId: owner.attendeeId } : fields;
}

export class RedisSessionStore implements SessionStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string, private readonly sealer: TokenSealer) {
    this.keys = storeKeys(instance);
  }

  reserve(id: string, clientIp: string, limits: { maxServers: number; maxServersPerIp: number }): Promise<ReserveOutcome> {
    return storeCall(async () => {
      const outcome = await this.redis.eval(reserveScript, {
        keys: [this.keys.slots, this.keys.slotsOfIp(clientIp), this.keys.slotIps],
        arguments: [id, String(Date.now()), String(limits.maxServers), String(limits.maxServersPerIp), clientIp],
      });
      return String(outcome) as ReserveOutcome;
    });
  }

  renew(id: string): Promise<void> {
    return storeCall(async () => { await this.redis.zAdd(this.keys.slots, { score: Date.now(), value: id }, { condition: 'XX' }); });
  }

  release(id: string, clientIp: string): Promise<void> {
    return storeCall(async () => {
      await this.redis.multi().zRem(this.keys.slots, id).sRem(this.keys.slotsOfIp(clientIp), id).hDel(this.keys.slotIps, id).exec();
    });
  }

  save(record: SessionRecord): Promise<void> {
    return storeCall(async () => {
      await this.redis.hSet(this.keys.session(record.id), toHash(record, this.sealer));
    });
  }

  get(id: string): Promise<SessionRecord | null> {
    return storeCall(async () => toRecord(await this.redis.hGetAll(this.keys.session(id)), this.sealer));
  }

  list(): Promise<SessionRecord[]> {
    return storeCall(async () => {
      const ids = await this.redis.zRange(this.keys.slots, 0, -1);
      if (ids.length === 0) return [];
      const multi = this.redis.multi();
      for (const id of ids) multi.hGetAll(this.keys.session(id));
      const hashes = (await multi.exec()) as unknown as Array<Record<string, string>>;
      return hashes.map((hash) => toRecord(hash, this.sealer)).filter((record): record is SessionRecord => record !== null);
    });
  }

  end(id: string, reason: EndReason): Promise<SessionRecord | null> {
    return this.remove(id, { reason, endedAt: Date.now() });
  }

  forget(id: string): Promise<SessionRecord | null> {
    return this.remove(id, null);
  }

  private remove(id: string, note: EndedSession | null): Promise<SessionRecord | null> {
    return storeCall(async () => {
      const record = toRecord(await this.redis.hGetAll(this.keys.session(id)), this.sealer);
      const clientIp = record?.clientIp ?? (await this.redis.hGet(this.keys.slotIps, id));
      const multi = this.redis.multi()
        .del(this.keys.session(id))
        .zRem(this.keys.slots, id)
        .hDel(this.keys.slotIps, id);
      if (note) multi.set(this.keys.ended(id), JSON.stringify(note), { EX: endedNoteSeconds });
      if (clientIp !== null && clientIp !== undefined) multi.sRem(this.keys.slotsOfIp(clientIp), id);
      await multi.exec();
      return record;
    });
  }

  ended(id: string): Promise<EndedSession | null> {
    return storeCall(async () => {
      const raw = await this.redis.get(this.keys.ended(id));
      return raw ? (JSON.parse(raw) as EndedSession) : null;
    });
  }

  staleReservations(olderThanMs: number): Promise<Array<{ id: string; clientIp: string }>> {
    return storeCall(async () => {
      const ids = await this.redis.zRangeByScore(this.keys.slots, 0, Date.now() - olderThanMs);
      const stale: Array<{ id: string; clientIp: string }> = [];
      for (const id of ids) {
        if ((await this.redis.exists(this.keys.session(id))) === 0) {
          stale.push({ id, clientIp: (await this.redis.hGet(this.keys.slotIps, id)) ?? '' });
        }
      }
      return stale;
    });
  }

  slotIds(): Promise<string[]> {
    return storeCall(() => this.redis.zRange(this.keys.slots, 0, -1));
  }

  count(): Promise<number> {
    return storeCall(() => this.redis.zCard(this.keys.slots));
  }
}

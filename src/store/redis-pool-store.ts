import type { TokenSealer } from '../auth/token-sealer.js';
import {
  poolAddress, type HandOutResult, type HandOutTerms, type PoolReserveOutcome, type PoolSnapshot, type PoolStore, type PooledServer,
} from '../pools/pool-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { addScript, claimScript, removeScript, reserveScript } from './pool-scripts.js';
import { storeCall, type RedisClient } from './redis-connection.js';

/** Pooled servers in Redis, holding slots of the same `slots` set as sessions (see pool-scripts.ts). */
export class RedisPoolStore implements PoolStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string, private readonly sealer: TokenSealer) {
    this.keys = storeKeys(instance);
  }

  reserve(id: string, pool: string, image: string, size: number, limits: { maxServers: number }): Promise<PoolReserveOutcome> {
    return storeCall(async () => {
      const outcome = await this.redis.eval(reserveScript, {
        keys: [this.keys.slots, this.keys.slotsOfIp(poolAddress), this.keys.slotIps, this.keys.pool(pool), this.keys.pooled(id)],
        arguments: [id, String(Date.now()), String(limits.maxServers), String(size), poolAddress, pool, image],
      });
      return String(outcome) as PoolReserveOutcome;
    });
  }

  add(server: PooledServer): Promise<boolean> {
    return storeCall(async () => {
      const fields = ['token', this.sealer.seal(server.token), 'image', server.image, 'containerId', server.containerId, 'host', server.host, 'port', String(server.port)];
      const added = await this.redis.eval(addScript, {
        keys: [this.keys.slotIps, this.keys.pooled(server.id), this.keys.poolReady(server.image)],
        arguments: [server.id, poolAddress, String(server.pooledAt), ...fields],
      });
      return Number(added) === 1;
    });
  }

  claim(image: string, clientIp: string, terms: HandOutTerms, limits: { maxServersPerIp: number }): Promise<HandOutResult> {
    return storeCall(async () => {
      const answer = (await this.redis.eval(claimScript, {
        keys: [this.keys.poolReady(image), this.keys.slots, this.keys.slotIps, this.keys.slotsOfIp(poolAddress), this.keys.slotsOfIp(clientIp)],
        arguments: [this.keys.prefix, clientIp, String(limits.maxServersPerIp), String(terms.createdAt), String(terms.expiresAt), terms.repo ?? '', poolAddress],
      })) as string[];
      const [outcome, id, pool, token, claimedImage, containerId, host, port] = answer;
      if (outcome !== 'ok') return { outcome: outcome === 'ip-limit' ? 'ip-limit' : 'empty' };
      return {
        outcome: 'ok',
        pool: pool!,
        record: {
          id: id!, token: this.sealer.open(token!), image: claimedImage!, clientIp, containerId: containerId!, host: host!, port: Number(port),
          createdAt: terms.createdAt, expiresAt: terms.expiresAt, ...(terms.repo ? { repo: terms.repo } : {}),
        },
      };
    });
  }

  remove(id: string): Promise<boolean> {
    return storeCall(async () => {
      const removed = await this.redis.eval(removeScript, {
        keys: [this.keys.slotIps, this.keys.pooled(id), this.keys.slots, this.keys.slotsOfIp(poolAddress)],
        arguments: [this.keys.prefix, id, poolAddress],
      });
      return Number(removed) === 1;
    });
  }

  snapshot(): Promise<PoolSnapshot> {
    return storeCall(async () => {
      const owners = await this.redis.hGetAll(this.keys.slotIps);
      const ids = Object.entries(owners).filter(([, owner]) => owner === poolAddress).map(([id]) => id);
      const snapshot: PoolSnapshot = { ready: [], starting: [] };
      if (ids.length === 0) return snapshot;
      const multi = this.redis.multi();
      for (const id of ids) multi.hGetAll(this.keys.pooled(id));
      const hashes = (await multi.exec()) as unknown as Array<Record<string, string>>;
      ids.forEach((id, index) => {
        const hash = hashes[index] ?? {};
        if (hash.state === 'ready') {
          snapshot.ready.push({
            id, pool: hash.pool ?? '', image: hash.image ?? '', token: this.sealer.open(hash.token ?? ''), containerId: hash.containerId ?? '',
            host: hash.host ?? '', port: Number(hash.port), pooledAt: Number(hash.pooledAt),
          });
        } else {
          snapshot.starting.push({ id, pool: hash.pool ?? '', image: hash.image ?? '' });
        }
      });
      return snapshot;
    });
  }
}

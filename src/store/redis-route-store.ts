import { targetOf, type Route, type RouteChange, type RouteStore, type RouteTarget } from '../proxy/route-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

const raiseActivityScript = `
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local current = tonumber(redis.call('HGET', key, 'lastActivity') or '0')
    if tonumber(ARGV[i]) > current then redis.call('HSET', key, 'lastActivity', ARGV[i]) end
  end
end
return 0`;

function toRoute(id: string, hash: Record<string, string>): Route | null {
  if (!hash.host) return null;
  const owner = hash.workshop && hash.attendeeId ? { owner: { workshop: hash.workshop, attendeeId: hash.attendeeId } } : {};
  return { id, host: hash.host, port: Number(hash.port), ...owner, lastActivity: Number(hash.lastActivity ?? 0) };
}

export class RedisRouteStore implements RouteStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  add(id: string, target: RouteTarget, now: number): Promise<void> {
    return storeCall(async () => {
      const change: RouteChange = { type: 'add', id, target: targetOf(target) };
      const owner: Record<string, string> = target.owner ? { workshop: target.owner.workshop, attendeeId: target.owner.attendeeId } : {};
      await this.redis.multi()
        .del(this.keys.route(id))
        .hSet(this.keys.route(id), { host: target.host, port: String(target.port), ...owner, lastActivity: String(now) })
        .sAdd(this.keys.routes, id)
        .publish(this.keys.routeChanges, JSON.stringify(change))
        .exec();
    });
  }

  get(id: string): Promise<Route | null> {
    return storeCall(async () => toRoute(id, await this.redis.hGetAll(this.keys.route(id))));
  }

  remove(id: string): Promise<void> {
    return storeCall(async () => {
      const change: RouteChange = { type: 'remove', id };
      await this.redis.multi().del(this.keys.route(id)).sRem(this.keys.routes, id).publish(this.keys.routeChanges, JSON.stringify(change)).exec();
    });
  }

  all(): Promise<Route[]> {
    return storeCall(async () => {
      const ids = await this.redis.sMembers(this.keys.routes);
      if (ids.length === 0) return [];
      const multi = this.redis.multi();
      for (const id of ids) multi.hGetAll(this.keys.route(id));
      const hashes = (await multi.exec()) as unknown as Array<Record<string, string>>;
      return ids.map((id, index) => toRoute(id, hashes[index] ?? {})).filter((route): route is Route => route !== null);
    });
  }

  async watch(onChange: (change: RouteChange) => void, onResync: () => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate();
    let connectedBefore = false;
    subscriber.on('error', () => undefined);
    subscriber.on('ready', () => {
      if (connectedBefore) onResync();
      connectedBefore = true;
    });
    await storeCall(async () => {
      await subscriber.connect();
      await subscriber.subscribe(this.keys.routeChanges, (message) => {
        try {
          onChange(JSON.parse(message) as RouteChange);
        } catch {
          onResync();
        }
      });
    });
    return async () => {
      subscriber.destroy();
    };
  }

  recordActivity(latest: Map<string, number>): Promise<void> {
    if (latest.size === 0) return Promise.resolve();
    return storeCall(async () => {
      const ids = [...latest.keys()];
      await this.redis.eval(raiseActivityScript, {
        keys: ids.map((id) => this.keys.route(id)),
        arguments: ids.map((id) => String(latest.get(id))),
      });
    });
  }
}

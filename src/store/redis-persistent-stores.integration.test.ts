import { TokenSealer } from '../auth/token-sealer.js';
import { silentLogger } from '../log/testing.js';
import { privateRedisForTests } from './testing/private-redis.js';
import { describePersistentStoresContract } from '../persistent/testing/persistent-stores-contract.js';
import { connectRedis } from './redis-connection.js';
import { RedisPersistentServerStore } from './redis-persistent-server-store.js';
import { RedisRouteStore } from './redis-route-store.js';
import { RedisSessionStore } from './redis-session-store.js';

const sealer = TokenSealer.withRandomKey();

const redis = privateRedisForTests('persistent-stores');

let instances = 0;

describePersistentStoresContract('the Redis stores', async () => {
  const instance = `persistent${(instances += 1)}`;
  const client = await connectRedis(redis.url, silentLogger());
  return {
    servers: new RedisPersistentServerStore(client, instance, sealer),
    sessions: new RedisSessionStore(client, instance, sealer),
    routes: new RedisRouteStore(client, instance),
    close: async () => { client.destroy(); },
  };
});

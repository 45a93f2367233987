import { TokenSealer } from '../auth/token-sealer.js';
import { silentLogger } from '../log/testing.js';
import { privateRedisForTests } from './testing/private-redis.js';
import { describePoolStoreContract } from '../pools/testing/pool-store-contract.js';
import { connectRedis, type RedisClient } from './redis-connection.js';
import { RedisPoolStore } from './redis-pool-store.js';
import { RedisSessionStore } from './redis-session-store.js';

const sealer = TokenSealer.withRandomKey();

const redis = privateRedisForTests('pool-store');

let instances = 0;

// Each test gets its own instance prefix, and two connections, as two launcher processes have.
describePoolStoreContract('RedisPoolStore', async () => {
  const instance = `pools${(instances += 1)}`;
  const clients: RedisClient[] = [await connectRedis(redis.url, silentLogger()), await connectRedis(redis.url, silentLogger())];
  return {
    pools: new RedisPoolStore(clients[0]!, instance, sealer),
    otherPools: new RedisPoolStore(clients[1]!, instance, sealer),
    sessions: new RedisSessionStore(clients[0]!, instance, sealer),
    close: async () => { for (const client of clients) client.destroy(); },
  };
});

import { TokenSealer } from '../auth/token-sealer.js';
import { describeHandoffStoreContract } from '../auth/testing/server-handoff-store-contract.js';
import { silentLogger } from '../log/testing.js';
import { connectRedis } from './redis-connection.js';
import { RedisServerHandoffStore } from './redis-server-handoff-store.js';
import { privateRedisForTests } from './testing/private-redis.js';

const sealer = TokenSealer.withRandomKey();

const redis = privateRedisForTests('handoff-store');

let instances = 0;

describeHandoffStoreContract('the Redis store', async () => {
  const client = await connectRedis(redis.url, silentLogger());
  return { store: new RedisServerHandoffStore(client, `handoff${(instances += 1)}`, sealer), close: async () => { client.destroy(); } };
});

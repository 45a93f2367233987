import { silentLogger } from '../log/testing.js';
import { privateRedisForTests } from './testing/private-redis.js';
import { describeWorkshopStoresContract } from '../workshops/testing/workshop-stores-contract.js';
import { connectRedis } from './redis-connection.js';
import { redisWorkshopStores } from './redis-workshop-stores.js';

const redis = privateRedisForTests('workshop-stores');

let instances = 0;

describeWorkshopStoresContract('the Redis stores', async () => {
  const client = await connectRedis(redis.url, silentLogger());
  return { stores: redisWorkshopStores(client, `workshops${(instances += 1)}`), close: async () => { client.destroy(); } };
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { silentLogger } from '../log/testing.js';
import { describeWorkshopStoresContract } from '../workshops/testing/workshop-stores-contract.js';
import { EmbeddedRedis } from './embedded-redis.js';
import { connectRedis } from './redis-connection.js';
import { redisWorkshopStores } from './redis-workshop-stores.js';

let dataDir: string;
let redis: EmbeddedRedis;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-workshop-stores-'));
  redis = new EmbeddedRedis(dataDir, silentLogger());
  await redis.start();
});
after(async () => {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let instances = 0;

describeWorkshopStoresContract('the Redis stores', async () => {
  const client = await connectRedis(redis.url, silentLogger());
  return { stores: redisWorkshopStores(client, `workshops${(instances += 1)}`), close: async () => { client.destroy(); } };
});

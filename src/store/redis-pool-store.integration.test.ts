import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { silentLogger } from '../log/testing.js';
import { describePoolStoreContract } from '../pools/testing/pool-store-contract.js';
import { EmbeddedRedis } from './embedded-redis.js';
import { connectRedis, type RedisClient } from './redis-connection.js';
import { RedisPoolStore } from './redis-pool-store.js';
import { RedisSessionStore } from './redis-session-store.js';

let dataDir: string;
let redis: EmbeddedRedis;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-pool-store-'));
  redis = new EmbeddedRedis(dataDir, silentLogger());
  await redis.start();
});
after(async () => {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let instances = 0;

// Each test gets its own instance prefix, and two connections, as two launcher processes have.
describePoolStoreContract('RedisPoolStore', async () => {
  const instance = `pools${(instances += 1)}`;
  const clients: RedisClient[] = [await connectRedis(redis.url, silentLogger()), await connectRedis(redis.url, silentLogger())];
  return {
    pools: new RedisPoolStore(clients[0]!, instance),
    otherPools: new RedisPoolStore(clients[1]!, instance),
    sessions: new RedisSessionStore(clients[0]!, instance),
    close: async () => { for (const client of clients) client.destroy(); },
  };
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { silentLogger } from '../log/testing.js';
import { describePersistentStoresContract } from '../persistent/testing/persistent-stores-contract.js';
import { EmbeddedRedis } from './embedded-redis.js';
import { connectRedis } from './redis-connection.js';
import { RedisPersistentServerStore } from './redis-persistent-server-store.js';
import { RedisRouteStore } from './redis-route-store.js';
import { RedisSessionStore } from './redis-session-store.js';

let dataDir: string;
let redis: EmbeddedRedis;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-persistent-stores-'));
  redis = new EmbeddedRedis(dataDir, silentLogger());
  await redis.start();
});
after(async () => {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let instances = 0;

describePersistentStoresContract('the Redis stores', async () => {
  const instance = `persistent${(instances += 1)}`;
  const client = await connectRedis(redis.url, silentLogger());
  return {
    servers: new RedisPersistentServerStore(client, instance),
    sessions: new RedisSessionStore(client, instance),
    routes: new RedisRouteStore(client, instance),
    close: async () => { client.destroy(); },
  };
});

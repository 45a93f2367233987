import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { silentLogger } from '../../log/testing.js';
import { EmbeddedRedis } from '../embedded-redis.js';

/**
 * A real redis-server of this test file's own, started before its tests and removed after
 * them. Read `url` inside tests (it is set once `before` has run).
 */
export function privateRedisForTests(name: string): { readonly url: string } {
  let dataDir = '';
  let redis: EmbeddedRedis | undefined;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `nblaunch-${name}-`));
    redis = new EmbeddedRedis(dataDir, silentLogger());
    await redis.start();
  });
  after(async () => {
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get url() {
      if (!redis) throw new Error('the private Redis starts in before(): read url inside a test');
      return redis.url;
    },
  };
}

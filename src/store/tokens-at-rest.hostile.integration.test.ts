import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSecretKey, secretKeyPath } from '../auth/secret-key-file.js';
import { TokenSealer } from '../auth/token-sealer.js';
import { bootLauncher, eventually, launchSession, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient } from '../testing/workshop-client.js';
import { RedisPoolStore } from './redis-pool-store.js';

const organizerToken = 'hsignin-organizer-token-0123456789abcdef';

/** Every value under the instance's prefix, as text: what someone reading Redis would see. */
async function everyValue(harness: Harness): Promise<string> {
  const redis = harness.launcher.deps.redis;
  const out: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `nblaunch:${harness.config.instance}:*`, COUNT: 500 })) {
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') out.push(key, String(await redis.get(key)));
      else if (type === 'hash') out.push(key, JSON.stringify(await redis.hGetAll(key)));
      else if (type === 'set') out.push(key, JSON.stringify(await redis.sMembers(key)));
      else if (type === 'zset') out.push(key, JSON.stringify(await redis.zRange(key, 0, -1)));
    }
  }
  return out.join('\n');
}

/** The append-only files of the launcher's private Redis. */
function appendOnlyFiles(harness: Harness): string {
  const dir = join(harness.config.dataDir, 'redis');
  const files: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) files.push(readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return files.join('\n');
}

/**
 * Whoever reads Redis's data files (its append-only file, a dump, a backup) must not find a
 * notebook server's Jupyter token there: with it they could reach that server.
 */
describe('hostile: Jupyter tokens in Redis\'s data files', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({
      instance: `hsignin-rest-${Math.random().toString(36).slice(2, 8)}`,
      auth: { signInAttemptsPerMinute: 1000, organizerToken }, capacity: { maxServers: 4, maxServersPerIp: 4 }, pool: { size: 1 },
    });
  });
  after(() => harness.cleanup());

  it('keeps no usable token in Redis or its append-only file, while servers run and after they end', async () => {
    const organizer = new OrganizerClient(() => harness.url, organizerToken);
    const poolStore = new RedisPoolStore(harness.launcher.deps.redis, harness.config.instance, new TokenSealer(loadSecretKey(secretKeyPath(harness.config))));
    const pooledTokens = async () => (await poolStore.snapshot()).ready.map((server) => server.token);
    await eventually(async () => ((await pooledTokens()).length === 1 ? true : undefined), 120_000, 'a pooled server');
    const tokens = new Set(await pooledTokens());

    const session = await launchSession(harness.url);
    tokens.add(session.token);
    const links = await organizer.workshopWith('rest', [{ name: 'Ann', email: 'ann@example.org' }]);
    const ann = await AttendeeClient.signIn(() => harness.url, 'rest', links.get('ann@example.org')!);
    const server = await ann.openServer();
    tokens.add(server.token);
    await eventually(async () => ((await pooledTokens()).length === 1 ? true : undefined), 120_000, 'the pool refilled');
    for (const token of await pooledTokens()) tokens.add(token);
    assert.ok(tokens.size >= 3, 'a pooled server, a launched one, an attendee\'s');
    assert.equal((await fetch(`${harness.url}${server.path}api/status`, { headers: { cookie: ann.cookie, authorization: `token ${server.token}` } })).status, 200, 'the launcher still reads the tokens it needs');

    const check = async (when: string) => {
      const values = await everyValue(harness);
      const aof = appendOnlyFiles(harness);
      assert.ok(aof.length > 0 && values.length > 0);
      for (const token of tokens) {
        assert.ok(!values.includes(token), `a token in Redis ${when}`);
        assert.ok(!aof.includes(token), `a token in the append-only file ${when}`);
      }
    };
    await check('while the servers run');

    assert.equal((await fetch(`${harness.url}/api/sessions/${session.id}`, { method: 'DELETE', headers: { authorization: `token ${session.token}` } })).status, 204);
    const annId = await organizer.attendeeId('rest', 'ann@example.org');
    assert.equal((await organizer.api(`/api/workshops/rest/attendees/${annId}/server/stop`, { method: 'POST' })).status, 200);
    await check('after they ended');
  });
});

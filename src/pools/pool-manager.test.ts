import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { labelKeys } from '../runtime/labels.js';
import { SlowSpawner } from '../runtime/testing/slow-spawner.js';
import { PoolManager } from './pool-manager.js';
import { poolHarness } from './testing/pool-harness.js';

const repoPool = 'gh/demo/pool/main';
const capacity = { maxServers: 10, maxServersPerIp: 5 };

describe('PoolManager', () => {
  it('fills each pool to its size with labelled servers that belong to nobody', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 3 } } });
    await t.refresh();

    assert.equal((await t.readyIds()).length, 3);
    assert.deepEqual(await t.sessions.list(), [], 'pooled servers are no sessions');
    assert.equal(await t.sessions.count(), 3, 'but they hold capacity slots');
    for (const server of t.spawner.servers.values()) {
      assert.equal(server.labels[labelKeys.kind], 'pooled');
      assert.equal(server.labels[labelKeys.pool], 'default');
      assert.equal(server.spec.image, 'nblaunch/test:1');
      assert.equal(server.spec.baseUrl, `/s/${server.id}/`);
    }
    assert.deepEqual(await t.pools.status(), { default: { image: 'nblaunch/test:1', ready: 3, starting: 0, size: 3 } });
    await t.refresh();
    assert.equal(t.spawner.starts.length, 3, 'a full pool starts nothing more');
  });

  it('does not fill past the free capacity', async () => {
    const t = poolHarness({ settings: { capacity: { maxServers: 4, maxServersPerIp: 5 }, pool: { size: 3 } } });
    await t.manager.launch('10.0.0.1', { image: 'other:1' });
    await t.manager.launch('10.0.0.2', { image: 'other:1' });
    await t.refresh();
    assert.equal((await t.readyIds()).length, 2);
    assert.equal(await t.sessions.count(), 4);
  });

  it('hands a ready server out as the launch, with what a cold launch returns, and starts a replacement', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 2 }, cull: { maxAgeSeconds: 3600 } } });
    await t.refresh();
    const pooled = await t.readyIds();
    const startsBefore = t.spawner.starts.length;

    const launched = await t.manager.launch('10.0.0.1');
    assert.ok(pooled.includes(launched.id));
    const server = t.spawner.servers.get(launched.id)!;
    assert.deepEqual(launched, { id: launched.id, path: `/s/${launched.id}/`, token: server.spec.token, expiresAt: t.clock.now + 3600_000 });
    assert.deepEqual(await t.sessions.get(launched.id), {
      id: launched.id, token: server.spec.token, image: 'nblaunch/test:1', clientIp: '10.0.0.1',
      containerId: server.containerId, host: '127.0.0.1', port: server.port, createdAt: t.clock.now, expiresAt: launched.expiresAt,
    });
    assert.deepEqual(await t.routes.lookup(launched.id), { host: '127.0.0.1', port: server.port });

    await t.pools.settled();
    assert.equal(t.spawner.starts.length, startsBefore + 1, 'one refill after the hand-out');
    const ready = await t.readyIds();
    assert.equal(ready.length, 2);
    assert.ok(!ready.includes(launched.id));
  });

  it('hands out another server when a pooled one does not answer, ending the dead one', async () => {
    const dead = new Set<string>();
    const t = poolHarness({ settings: { capacity, pool: { size: 3 } }, isAnswering: async (server) => !dead.has(server.id) });
    await t.refresh();
    const [oldest, second] = (await t.store.snapshot()).ready.sort((a, b) => a.pooledAt - b.pooledAt || (a.id < b.id ? -1 : 1));
    dead.add(oldest!.id);
    dead.add(second!.id);

    const launched = await t.manager.launch('10.0.0.1');
    assert.ok(!dead.has(launched.id));
    for (const id of dead) {
      assert.equal(t.spawner.servers.has(id), false);
      assert.equal((await t.sessions.ended(id))?.reason, 'server-gone');
    }
    assert.deepEqual((await t.sessions.list()).map((record) => record.id), [launched.id]);
    await t.pools.settled();
    assert.equal((await t.readyIds()).length, 3);
  });

  it('starts cold when no ready server has the image', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 1 } } });
    await t.refresh();
    const launched = await t.manager.launch('10.0.0.1', { image: 'other:1' });
    assert.equal(t.spawner.servers.get(launched.id)?.spec.image, 'other:1');
    assert.equal((await t.readyIds()).length, 1);
  });

  it('refuses a hand-out past the per-address limit, leaving the server pooled', async () => {
    const t = poolHarness({ settings: { capacity: { maxServers: 10, maxServersPerIp: 1 }, pool: { size: 2 } } });
    await t.refresh();
    await t.manager.launch('10.0.0.1');
    await t.pools.settled();
    await assert.rejects(t.manager.launch('10.0.0.1'), (error) => error instanceof LauncherError && error.reason === 'ip-limit');
    assert.equal((await t.readyIds()).length, 2);
  });

  it('gives up an idle pooled server of another image when a launch finds the launcher full', async () => {
    const t = poolHarness({ settings: { capacity: { maxServers: 2, maxServersPerIp: 5 }, pool: { size: 2 } } });
    await t.refresh();
    const [oldest] = (await t.store.snapshot()).ready;
    const launched = await t.manager.launch('10.0.0.1', { image: 'other:1' });
    assert.equal(t.spawner.servers.get(launched.id)?.spec.image, 'other:1');
    assert.equal(t.spawner.servers.has(oldest!.id), false);
    assert.equal(await t.sessions.count(), 2);
  });

  it('recycles servers nobody took for pool.maxIdleSeconds', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 2, maxIdleSeconds: 60 } } });
    await t.refresh();
    const first = await t.readyIds();
    t.advance(59_000);
    await t.refresh();
    assert.deepEqual(await t.readyIds(), first);

    t.advance(1000);
    await t.refresh();
    const second = await t.readyIds();
    assert.equal(second.length, 2);
    assert.deepEqual(second.filter((id) => first.includes(id)), []);
    for (const id of first) assert.equal(t.spawner.servers.has(id), false);
    assert.equal(await t.sessions.count(), 2);
  });

  it('builds a repo pool\'s image, and drains the pool when its ref moves, sparing handed-out servers', async () => {
    const t = poolHarness({ settings: { capacity, pool: { repos: [`${repoPool}=2`] } }, images: { 'demo/pool': 'built/demo:aaa' } });
    await t.refresh();
    assert.deepEqual(t.images.builds, ['built/demo:aaa']);
    const first = await t.readyIds(repoPool);
    assert.equal(first.length, 2);
    assert.equal(t.spawner.servers.get(first[0]!)?.labels[labelKeys.repo], 'demo/pool');
    const kept = await t.manager.launch('10.0.0.1', { image: 'built/demo:aaa', repo: 'demo/pool' });
    assert.equal((await t.sessions.get(kept.id))?.repo, 'demo/pool');
    await t.pools.settled();

    t.images.current.set('demo/pool', 'built/demo:bbb');
    await t.refresh();
    const status = (await t.pools.status())[repoPool];
    assert.deepEqual(status, { image: 'built/demo:bbb', ready: 2, starting: 0, size: 2 });
    const ready = (await t.store.snapshot()).ready;
    assert.deepEqual(ready.map((server) => server.image), ['built/demo:bbb', 'built/demo:bbb']);
    for (const id of first) if (id !== kept.id) assert.equal(t.spawner.servers.has(id), false);
    assert.equal(t.spawner.servers.get(kept.id)?.state, 'running');
    assert.ok(await t.sessions.get(kept.id));
  });

  it('drains pools that are no longer configured', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 2 } } });
    await t.refresh();
    // The same stores and servers, seen by a launcher restarted without pools.
    const restarted = new PoolManager({
      config: t.config, definitions: [], store: t.store, sessions: t.sessions, starter: t.manager.starter,
      spawner: t.spawner, builder: t.images, logger: t.logger, now: t.now,
    });
    await restarted.refreshOnce();
    assert.deepEqual(await t.readyIds(), []);
    assert.equal(t.spawner.servers.size, 0);
    assert.equal(await t.sessions.count(), 0);
  });

  it('shrinks a pool whose size went down, giving up its oldest servers', async () => {
    const t = poolHarness({ settings: { capacity, pool: { size: 3 } } });
    await t.refresh();
    t.advance(1000);
    await t.manager.launch('10.0.0.1');
    await t.pools.settled();
    const newest = (await t.store.snapshot()).ready.sort((a, b) => b.pooledAt - a.pooledAt)[0]!;
    const smaller = new PoolManager({
      config: t.config, definitions: [{ key: 'default', size: 1 }], store: t.store, sessions: t.sessions, starter: t.manager.starter,
      spawner: t.spawner, builder: t.images, logger: t.logger, now: t.now,
    });
    await smaller.refreshOnce();
    assert.deepEqual(await t.readyIds(), [newest.id]);
    assert.equal(t.spawner.servers.size, 2, 'the pooled server left and the session');
  });

  it('waits for refills in flight when stopped, and starts nothing afterwards', async () => {
    const spawner = new SlowSpawner(20);
    const t = poolHarness({ spawner, settings: { capacity, pool: { size: 3 } } });
    const pass = t.pools.refreshOnce();
    await pass;
    await t.pools.stop();
    assert.equal(spawner.inFlight, 0);
    const ready = (await t.readyIds()).length;
    await t.pools.refreshOnce();
    await t.pools.settled();
    assert.equal((await t.readyIds()).length, ready);
  });

  it('keeps a pool set at run time (a workshop warm-up): filled, handed out by image, moved to a new image, drained at size 0', async () => {
    const t = poolHarness({ settings: { capacity } });
    t.pools.setPool('workshop/intro', 'nblaunch/ws:1', 2);
    await t.refresh();
    assert.equal((await t.readyIds('workshop/intro')).length, 2);
    assert.deepEqual((await t.pools.status())['workshop/intro'], { image: 'nblaunch/ws:1', ready: 2, starting: 0, size: 2 });

    const launched = await t.manager.launch('10.0.0.1', { image: 'nblaunch/ws:1' });
    assert.equal(t.spawner.servers.get(launched.id)?.labels[labelKeys.pool], 'workshop/intro', 'the launch was a pool hit');
    await t.pools.settled();

    t.pools.setPool('workshop/intro', 'nblaunch/ws:2', 2);
    await t.refresh();
    const ready = (await t.store.snapshot()).ready.filter((server) => server.pool === 'workshop/intro');
    assert.deepEqual(ready.map((server) => server.image), ['nblaunch/ws:2', 'nblaunch/ws:2'], 'the old image drained');

    t.pools.setPool('workshop/intro', 'nblaunch/ws:2', 0);
    await t.refresh();
    assert.deepEqual(await t.readyIds('workshop/intro'), []);
    assert.deepEqual([...t.spawner.servers.keys()], [launched.id], 'only the handed-out server is left');
  });

  it('refuses to set a pool that follows a repo', () => {
    const t = poolHarness({ settings: { capacity, pool: { repos: [`${repoPool}=1`] } }, images: { [repoPool]: 'nblaunch-build/pool:abc' } });
    assert.throws(() => t.pools.setPool(repoPool, 'other:1', 1), /follows a repo/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerSpec } from '../runtime/spawner.js';
import { Reconciler } from './reconciler.js';
import { poolHarness } from '../pools/testing/pool-harness.js';
import { sessionHarness } from './testing/session-harness.js';

const staleMs = 90_000;
const limits = { maxServers: 10, maxServersPerIp: 10 };

function spec(id: string): ServerSpec {
  return { id, image: 'nblaunch/test:1', token: 't', baseUrl: `/s/${id}/`, limits: { memoryMb: 256, cpus: 1, pids: 64 }, startTimeoutMs: 1000 };
}

function setup() {
  const h = sessionHarness({ settings: { capacity: limits } });
  const reconciler = new Reconciler({
    spawner: h.spawner, sessions: h.sessions, routes: h.routes, manager: h.manager, logger: h.logger,
    staleReservationMs: staleMs, intervalMs: 60_000,
  });
  return { ...h, reconciler };
}

describe('Reconciler', () => {
  it('changes nothing when Docker and the store agree', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');

    assert.deepEqual(await t.reconciler.reconcileOnce(), { orphanContainersRemoved: [], sessionsEnded: [], reservationsReleased: [], routesRemoved: [], pooledDropped: [], persistentStopped: [] });
    assert.ok(await t.sessions.get(id));
    assert.ok(await t.routes.lookup(id));
    assert.equal(await t.spawner.poll(id), 'running');
  });

  it('removes containers that belong to no session and no reservation', async () => {
    const t = setup();
    const kept = await t.manager.launch('10.0.0.1');
    await t.spawner.start(spec('orphan0001'));
    await t.spawner.start(spec('orphan0002'));
    t.spawner.kill('orphan0002');

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.orphanContainersRemoved.sort(), ['orphan0001', 'orphan0002']);
    assert.deepEqual([...t.spawner.servers.keys()], [kept.id]);
  });

  it('goes on with the rest of the pass when one repair fails, and tries that one again next time', async () => {
    const t = setup();
    await t.spawner.start(spec('orphan0001'));
    await t.spawner.start(spec('orphan0002'));
    await t.routeStore.add('noroute001', { host: '127.0.0.1', port: 1 }, t.clock.now);
    t.spawner.failStopOf.add('orphan0001');

    const first = await t.reconciler.reconcileOnce();
    assert.deepEqual(first.orphanContainersRemoved, ['orphan0002']);
    assert.deepEqual(first.routesRemoved, ['noroute001']);
    assert.deepEqual([...t.spawner.servers.keys()], ['orphan0001']);

    const second = await t.reconciler.reconcileOnce();
    assert.deepEqual(second.orphanContainersRemoved, ['orphan0001']);
    assert.deepEqual([...t.spawner.servers.keys()], []);
  });

  it('keeps the container of a launch in progress (a reserved slot, no record yet)', async () => {
    const t = setup();
    assert.equal(await t.sessions.reserve('starting01', '10.0.0.1', limits), 'ok');
    await t.spawner.start(spec('starting01'));
    await t.routeStore.add('starting01', { host: '127.0.0.1', port: 1 }, t.clock.now);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.orphanContainersRemoved, []);
    assert.deepEqual(report.routesRemoved, []);
    assert.deepEqual(report.reservationsReleased, []);
    assert.equal(await t.spawner.poll('starting01'), 'running');
    assert.deepEqual(await t.sessions.slotIds(), ['starting01']);
  });

  it('ends sessions whose server is missing or stopped, with reason server-gone', async () => {
    const t = setup();
    const vanished = await t.manager.launch('10.0.0.1');
    const died = await t.manager.launch('10.0.0.2');
    const healthy = await t.manager.launch('10.0.0.3');
    t.spawner.vanish(vanished.id);
    t.spawner.kill(died.id);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.sessionsEnded.sort(), [vanished.id, died.id].sort());
    for (const id of [vanished.id, died.id]) {
      assert.equal((await t.sessions.ended(id))?.reason, 'server-gone');
      assert.equal(await t.sessions.get(id), null);
      assert.equal(await t.routes.lookup(id), null);
    }
    assert.equal(t.spawner.servers.has(died.id), false, 'the stopped container is removed');
    assert.ok(await t.sessions.get(healthy.id));
    assert.equal(await t.sessions.count(), 1);
  });

  it('drops routes that have no session', async () => {
    const t = setup();
    const live = await t.manager.launch('10.0.0.1');
    await t.routes.add('ghostroute', { host: '127.0.0.1', port: 1 }, t.clock.now);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.routesRemoved, ['ghostroute']);
    assert.equal(await t.routes.lookup('ghostroute'), null);
    assert.ok(await t.routes.lookup(live.id));
    assert.equal(t.routes.size, 1);
  });

  it('releases stale reservations, and removes the container their launch left', async () => {
    const t = setup();
    await t.sessions.reserve('deadlaunch', '10.0.0.1', limits);
    await t.spawner.start(spec('deadlaunch'));
    t.advance(staleMs);
    await t.sessions.reserve('newlaunch1', '10.0.0.2', limits);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.reservationsReleased, ['deadlaunch']);
    assert.deepEqual(report.orphanContainersRemoved, ['deadlaunch']);
    assert.deepEqual(await t.sessions.slotIds(), ['newlaunch1']);
    assert.equal(t.spawner.servers.has('deadlaunch'), false);
  });

  it('keeps an old session that has its record: only launches without one are stale', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(staleMs * 10);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.reservationsReleased, []);
    assert.ok(await t.sessions.get(id));
  });

  it('leaves nothing to do on the next pass', async () => {
    const t = setup();
    const gone = await t.manager.launch('10.0.0.1');
    t.spawner.vanish(gone.id);
    await t.spawner.start(spec('orphan0001'));
    await t.routeStore.add('ghostroute', { host: '127.0.0.1', port: 1 }, t.clock.now);
    await t.reconciler.reconcileOnce();

    assert.deepEqual(await t.reconciler.reconcileOnce(), { orphanContainersRemoved: [], sessionsEnded: [], reservationsReleased: [], routesRemoved: [], pooledDropped: [], persistentStopped: [] });
  });
});

describe('Reconciler and warm pools', () => {
  function pooledSetup() {
    const t = poolHarness({ settings: { capacity: limits, pool: { size: 2, maxIdleSeconds: 86_400 } } });
    const reconciler = new Reconciler({
      spawner: t.spawner, sessions: t.sessions, routes: t.routes, manager: t.manager, pools: t.store, logger: t.logger,
      staleReservationMs: staleMs, intervalMs: 60_000,
    });
    return { ...t, reconciler };
  }
  const nothing = { orphanContainersRemoved: [], sessionsEnded: [], reservationsReleased: [], routesRemoved: [], pooledDropped: [], persistentStopped: [] };

  it('keeps pooled containers and their slots, however long they have waited', async () => {
    const t = pooledSetup();
    await t.refresh();
    const pooled = await t.readyIds();
    t.advance(staleMs * 10);

    assert.deepEqual(await t.reconciler.reconcileOnce(), nothing);
    assert.deepEqual(await t.readyIds(), pooled);
    assert.deepEqual([...t.spawner.servers.keys()].sort(), pooled);
    assert.equal(await t.sessions.count(), 2);
  });

  it('drops pooled servers whose container is missing or stopped, freeing their slots', async () => {
    const t = pooledSetup();
    await t.refresh();
    const [vanished, died] = await t.readyIds();
    t.spawner.vanish(vanished!);
    t.spawner.kill(died!);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.pooledDropped.sort(), [vanished, died].sort());
    assert.deepEqual(report.sessionsEnded, []);
    assert.deepEqual(await t.readyIds(), []);
    assert.equal(await t.sessions.count(), 0);
    assert.equal(t.spawner.servers.has(died!), false, 'the stopped container is removed');
    assert.deepEqual(await t.reconciler.reconcileOnce(), nothing);
  });

  it('frees the slot of a pool start that died with its launcher, and removes its container', async () => {
    const t = pooledSetup();
    assert.equal(await t.store.reserve('deadrefill', 'default', 'nblaunch/test:1', 2, limits), 'ok');
    await t.spawner.start(spec('deadrefill'));
    t.advance(staleMs);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.reservationsReleased, ['deadrefill']);
    assert.deepEqual(report.orphanContainersRemoved, ['deadrefill']);
    assert.deepEqual(await t.store.snapshot(), { ready: [], starting: [] });
    assert.equal(await t.store.reserve('nextrefill', 'default', 'nblaunch/test:1', 1, limits), 'ok', 'the pool has room again');
  });

  it('treats a handed-out server as the session it is', async () => {
    const t = pooledSetup();
    await t.refresh();
    const { id } = await t.manager.launch('10.0.0.1');
    await t.pools.settled();
    t.spawner.vanish(id);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.sessionsEnded, [id]);
    assert.deepEqual(report.pooledDropped, []);
    assert.equal((await t.readyIds()).length, 2);
  });
});

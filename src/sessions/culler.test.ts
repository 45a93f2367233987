import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityRecorder } from '../proxy/activity-recorder.js';
import { Culler, type ServerActivityProbe } from './culler.js';
import type { SessionRecord } from './session-store.js';
import { poolHarness } from '../pools/testing/pool-harness.js';
import { sessionHarness } from './testing/session-harness.js';

const idleMs = 600_000;
const maxAgeMs = 3_600_000;

/** A harness, a culler on its clock, and a probe that answers from `probeAnswers` (null by default). */
function setup() {
  const h = sessionHarness({
    settings: { cull: { idleTimeoutSeconds: idleMs / 1000, maxAgeSeconds: maxAgeMs / 1000 }, capacity: { maxServers: 10, maxServersPerIp: 10 } },
  });
  const activity = new ActivityRecorder(h.routeStore, h.logger);
  const probed: SessionRecord[] = [];
  const probeAnswers = new Map<string, Date | Error>();
  const probe: ServerActivityProbe = async (session) => {
    probed.push(session);
    const answer = probeAnswers.get(session.id);
    if (answer instanceof Error) throw answer;
    return answer ?? null;
  };
  const culler = new Culler({
    sessions: h.sessions, routes: h.routes, activity, manager: h.manager, probe, logger: h.logger,
    idleTimeoutMs: idleMs, intervalMs: 60_000, now: h.now,
  });
  return { ...h, activity, culler, probed, probeAnswers };
}

describe('Culler', () => {
  it('ends a session idle past the limit, with reason idle', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs);

    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(id))?.reason, 'idle');
    assert.equal(await t.sessions.get(id), null);
    assert.equal(await t.routes.lookup(id), null);
    assert.equal(t.spawner.servers.has(id), false);
  });

  it('keeps a session that is not idle yet, without asking its server', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs - 1);

    assert.equal(await t.culler.cullOnce(), 0);
    assert.ok(await t.sessions.get(id));
    assert.deepEqual(t.probed, []);
  });

  it('keeps a session the proxy saw activity on recently', async () => {
    const t = setup();
    const busy = await t.manager.launch('10.0.0.1');
    const quiet = await t.manager.launch('10.0.0.2');
    t.advance(idleMs / 2);
    await t.routeStore.recordActivity(new Map([[busy.id, t.clock.now]]));
    t.advance(idleMs / 2 + 1);

    assert.equal(await t.culler.cullOnce(), 1);
    assert.ok(await t.sessions.get(busy.id));
    assert.equal((await t.sessions.ended(quiet.id))?.reason, 'idle');
  });

  it('counts activity still pending in the recorder, not yet written to the store', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs / 2);
    t.activity.touch(id, t.clock.now);
    t.advance(idleMs / 2 + 1);

    assert.equal(await t.culler.cullOnce(), 0);
    assert.ok(await t.sessions.get(id));
  });

  it('asks the server before ending an idle session, and keeps it if the server reports activity', async () => {
    const t = setup();
    const { id, token } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs + 1);
    t.probeAnswers.set(id, new Date(t.clock.now - 1000));

    assert.equal(await t.culler.cullOnce(), 0);
    assert.ok(await t.sessions.get(id));
    assert.equal(t.probed.length, 1);
    assert.equal(t.probed[0]?.id, id);
    assert.equal(t.probed[0]?.token, token);
  });

  it('ends an idle session whose server reports only old activity', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs + 1);
    t.probeAnswers.set(id, new Date(t.clock.now - idleMs));

    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(id))?.reason, 'idle');
  });

  it('treats a probe that fails as no answer', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(idleMs);
    t.probeAnswers.set(id, new Error('connection refused'));

    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(id))?.reason, 'idle');
  });

  it('ends a session past its maximum age without asking, however active it is', async () => {
    const t = setup();
    const { id } = await t.manager.launch('10.0.0.1');
    t.advance(maxAgeMs);
    await t.routeStore.recordActivity(new Map([[id, t.clock.now]]));
    t.activity.touch(id, t.clock.now);
    t.probeAnswers.set(id, new Date(t.clock.now));

    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(id))?.reason, 'max-age');
    assert.deepEqual(t.probed, []);
  });

  it('goes on with the other sessions when one cannot be ended', async () => {
    const t = setup();
    const stuck = await t.manager.launch('10.0.0.1');
    const other = await t.manager.launch('10.0.0.2');
    const realEnd = t.sessions.end.bind(t.sessions);
    t.sessions.end = async (id, reason) => {
      if (id === stuck.id) throw new Error('store hiccup');
      return realEnd(id, reason);
    };
    t.advance(idleMs);

    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(other.id))?.reason, 'idle');
    assert.equal(await t.sessions.ended(stuck.id), null);
  });

  it('never runs two passes at once', async () => {
    const t = setup();
    await t.manager.launch('10.0.0.1');
    t.advance(idleMs);

    const first = t.culler.cullOnce();
    const second = t.culler.cullOnce();
    assert.equal(first, second);
    assert.equal(await first, 1);
    assert.equal(await t.culler.cullOnce(), 0);
  });
});

describe('Culler and warm pools', () => {
  function pooledSetup() {
    const t = poolHarness({
      settings: { cull: { idleTimeoutSeconds: idleMs / 1000, maxAgeSeconds: maxAgeMs / 1000 }, capacity: { maxServers: 10, maxServersPerIp: 10 }, pool: { size: 2, maxIdleSeconds: 86_400 } },
    });
    const probed: string[] = [];
    const culler = new Culler({
      sessions: t.sessions, routes: t.routes, activity: new ActivityRecorder(t.routeStore, t.logger), manager: t.manager,
      probe: async (session) => { probed.push(session.id); return null; }, logger: t.logger, idleTimeoutMs: idleMs, intervalMs: 60_000, now: t.now,
    });
    return { ...t, culler, probed };
  }

  it('never ends a pooled server nobody has taken, however old and idle', async () => {
    const t = pooledSetup();
    await t.refresh();
    const pooled = await t.readyIds();
    t.advance(maxAgeMs * 2);

    assert.equal(await t.culler.cullOnce(), 0);
    assert.deepEqual(await t.readyIds(), pooled);
    assert.deepEqual(t.probed, []);
    for (const id of pooled) assert.equal(t.spawner.servers.get(id)?.state, 'running');
  });

  it('culls a handed-out server like any session, idle from its hand-out on', async () => {
    const t = pooledSetup();
    await t.refresh();
    t.advance(idleMs * 3);
    const { id } = await t.manager.launch('10.0.0.1');
    await t.pools.settled();
    t.advance(idleMs - 1);
    assert.equal(await t.culler.cullOnce(), 0);
    t.advance(1);
    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.sessions.ended(id))?.reason, 'idle');
    assert.equal((await t.readyIds()).length, 2, 'the pool itself is untouched');
  });
});

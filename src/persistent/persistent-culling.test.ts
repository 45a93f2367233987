import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idleMs, persistentHarness } from './testing/persistent-harness.js';

const ann = { workshop: 'intro-py', attendeeId: 'annannannannann0' };
const annId = 'ws-intro-py-annannannannann0';

describe('the culler and persistent servers', () => {
  it('stops an idle persistent server instead of removing it: container and volume stay', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    t.advance(idleMs - 1);
    assert.equal(await t.culler.cullOnce(), 0);
    t.advance(1);
    assert.equal(await t.culler.cullOnce(), 1);

    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
    assert.deepEqual(t.spawner.stops.at(-1), { id: annId, remove: false });
    assert.equal(t.spawner.volumes.volumes.size, 1);
    assert.equal((await t.store.get(annId))?.stopReason, 'idle');
    assert.equal(await t.sessions.ended(annId), null);
    assert.equal(await t.culler.cullOnce(), 0, 'a stopped server is not culled again');
  });

  it('gives a persistent server no maximum age while its workshop runs', async () => {
    const t = persistentHarness({ settings: { cull: { idleTimeoutSeconds: idleMs / 1000, maxAgeSeconds: 60 } } });
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    for (let hour = 0; hour < 4; hour += 1) {
      t.advance(idleMs / 2);
      t.activity.touch(annId, t.clock.now);
      assert.equal(await t.culler.cullOnce(), 0);
    }
    assert.equal(t.spawner.servers.get(annId)?.state, 'running');
  });

  it('stops the servers of a workshop that is over, however active', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    t.activity.touch(annId, t.clock.now);
    await t.workshopStore.save({ ...t.workshop, endsAt: new Date(t.clock.now).toISOString() });
    assert.equal(await t.culler.cullOnce(), 1);
    assert.equal((await t.store.get(annId))?.stopReason, 'workshop-ended');
    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
  });
});

describe('the reconciler and persistent servers', () => {
  it('marks a persistent server whose container stopped (an engine restart) stopped, and keeps its container', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    t.spawner.kill(annId);

    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual([report.persistentStopped, report.sessionsEnded, report.orphanContainersRemoved], [[annId], [], []]);
    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
    assert.equal(await t.routes.lookup(annId), null);
    assert.equal(await t.sessions.count(), 0);
    assert.equal((await t.store.get(annId))?.stopReason, 'server-stopped');

    await t.servers.open(t.workshop, ann);
    assert.equal(t.spawner.servers.get(annId)?.state, 'running', 'the next open resumes it');
  });

  it('leaves a stopped persistent server alone: it is no orphan', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    const report = await t.reconciler.reconcileOnce();
    assert.ok(Object.values(report).every((list) => list.length === 0));
    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
  });

  it('stops a persistent container that runs without a session (it would hold no slot)', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    await t.spawner.resume(t.spawner.servers.get(annId)!.spec);
    const report = await t.reconciler.reconcileOnce();
    assert.deepEqual(report.persistentStopped, [annId]);
    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
  });
});

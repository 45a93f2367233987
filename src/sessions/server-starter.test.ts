import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolHarness } from '../pools/testing/pool-harness.js';
import { labelKeys } from '../runtime/labels.js';
import { SlowSpawner } from '../runtime/testing/slow-spawner.js';
import { sessionHarness } from './testing/session-harness.js';

describe('the start queue (server.maxConcurrentStarts)', () => {
  it('never starts more servers at once than the limit, and every launch of a burst succeeds', async () => {
    const spawner = new SlowSpawner(10);
    const h = sessionHarness({ spawner, settings: { server: { maxConcurrentStarts: 2 }, capacity: { maxServers: 20, maxServersPerIp: 20 } } });

    const launched = await Promise.all(Array.from({ length: 9 }, (_, i) => h.manager.launch(`10.0.0.${i}`)));
    assert.equal(new Set(launched.map((session) => session.id)).size, 9);
    assert.equal(spawner.peakInFlight, 2);
    assert.deepEqual(h.manager.starter.stats, { running: 0, waiting: 0, waitingBackground: 0 });
  });

  it('reports the launches waiting for a slot', async () => {
    const spawner = new SlowSpawner(20);
    const h = sessionHarness({ spawner, settings: { server: { maxConcurrentStarts: 1 }, capacity: { maxServers: 20, maxServersPerIp: 20 } } });
    const launches = Array.from({ length: 3 }, (_, i) => h.manager.launch(`10.0.0.${i}`));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(h.manager.starter.stats, { running: 1, waiting: 2, waitingBackground: 0 });
    await Promise.all(launches);
  });

  it('starts waiting launches before pool refills, and shares the limit with them', async () => {
    const spawner = new SlowSpawner(10);
    const t = poolHarness({ spawner, settings: { server: { maxConcurrentStarts: 2 }, capacity: { maxServers: 20, maxServersPerIp: 20 }, pool: { size: 4 } } });
    const pass = t.pools.refreshOnce();
    await pass;
    const launches = Array.from({ length: 3 }, (_, i) => t.manager.launch(`10.0.0.${i}`, { image: 'other:1' }));
    await Promise.all(launches);
    await t.pools.settled();

    const kinds = spawner.starts.map((spec) => (spec.labels?.[labelKeys.kind] === 'pooled' ? 'refill' : 'launch'));
    // One refill got its slot before any launch arrived; refills never take every slot.
    assert.deepEqual(kinds, ['refill', 'launch', 'launch', 'launch', 'refill', 'refill', 'refill']);
    assert.equal(spawner.peakInFlight, 2);
    assert.equal((await t.readyIds()).length, 4);
  });
});

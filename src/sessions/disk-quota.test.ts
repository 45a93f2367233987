import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../log/testing.js';
import { DiskQuota } from './disk-quota.js';
import type { PersistentServerControl, StopReason } from './persistent-server-control.js';
import type { SessionManager } from './session-manager.js';
import type { SessionStore } from './session-store.js';

const mb = 1024 * 1024;

/** One attendee's server whose home the test resizes, and a clock the test moves. */
function setup() {
  const stops: Array<{ id: string; reason: StopReason }> = [];
  const state = { running: true, homeBytes: 0, now: 1_000_000 };
  const persistent: PersistentServerControl = {
    stop: async (id, reason) => { stops.push({ id, reason }); state.running = false; },
    mustStop: async () => null,
    knownIds: async () => new Set(['ws-a-1']),
  };
  const quota = new DiskQuota({
    usage: { overLimit: async () => [] },
    sessions: {} as SessionStore,
    manager: {} as SessionManager,
    persistent,
    logger: silentLogger(),
    maxMb: 100,
    intervalMs: 1000,
    homes: {
      running: async () => (state.running ? [{ id: 'ws-a-1', volume: 'home-a-1' }] : []),
      usage: async (volumes) => new Map(volumes.map((volume) => [volume, state.homeBytes])),
      intervalMs: 1000,
      graceMs: 600_000,
      now: () => state.now,
    },
  });
  const reopen = () => { state.running = true; };
  return { quota, state, stops, reopen };
}

describe('DiskQuota: attendees\' home volumes', () => {
  it('leaves a home within the limit alone', async () => {
    const t = setup();
    t.state.homeBytes = 100 * mb;
    assert.equal(await t.quota.checkHomesOnce(), 0);
    assert.deepEqual(t.stops, []);
  });

  it('stops a server whose home passes the limit, gives the reopened one a grace period to delete files, then stops it again', async () => {
    const t = setup();
    t.state.homeBytes = 150 * mb;
    assert.equal(await t.quota.checkHomesOnce(), 1);
    assert.deepEqual(t.stops, [{ id: 'ws-a-1', reason: 'home-limit' }]);

    t.reopen();
    assert.equal(await t.quota.checkHomesOnce(), 0, 'reopened: the grace period starts');
    t.state.now += 599_000;
    assert.equal(await t.quota.checkHomesOnce(), 0, 'still within the grace period');
    t.state.now += 2000;
    assert.equal(await t.quota.checkHomesOnce(), 1, 'the grace period is over and the home is still too large');
    assert.equal(t.stops.length, 2);
  });

  it('forgets the past once the owner deleted enough', async () => {
    const t = setup();
    t.state.homeBytes = 150 * mb;
    await t.quota.checkHomesOnce();
    t.reopen();
    await t.quota.checkHomesOnce();
    t.state.homeBytes = 50 * mb;
    assert.equal(await t.quota.checkHomesOnce(), 0);
    t.state.homeBytes = 150 * mb;
    t.state.now += 1000;
    assert.equal(await t.quota.checkHomesOnce(), 1, 'over again later: no grace owed, stopped at once');
  });

  it('stops at once past twice the limit, grace or not', async () => {
    const t = setup();
    t.state.homeBytes = 150 * mb;
    await t.quota.checkHomesOnce();
    t.reopen();
    await t.quota.checkHomesOnce();
    t.state.homeBytes = 201 * mb;
    assert.equal(await t.quota.checkHomesOnce(), 1);
    assert.deepEqual(t.stops.map((stop) => stop.reason), ['home-limit', 'home-limit']);
  });
});

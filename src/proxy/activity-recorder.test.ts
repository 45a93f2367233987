import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../log/testing.js';
import { ActivityRecorder } from './activity-recorder.js';
import { MemoryRouteStore } from './testing/memory-route-store.js';

const target = { host: '127.0.0.1', port: 20001 };

async function setup(...ids: string[]) {
  const store = new MemoryRouteStore();
  for (const id of ids) await store.add(id, target, 0);
  return { store, recorder: new ActivityRecorder(store, silentLogger(), 10) };
}

describe('ActivityRecorder', () => {
  it('holds the newest time per route until a flush', async () => {
    const { store, recorder } = await setup('server01');
    recorder.touch('server01', 100);
    recorder.touch('server01', 200);

    assert.equal(recorder.pendingFor('server01'), 200);
    assert.equal(recorder.pendingFor('server02'), undefined);
    assert.equal((await store.get('server01'))?.lastActivity, 0);
  });

  it('writes all pending routes in one batch and raises their activity', async () => {
    const { store, recorder } = await setup('server01', 'server02');
    recorder.touch('server01', 100);
    recorder.touch('server02', 150);
    recorder.touch('server01', 300);
    await recorder.flush();

    assert.equal(store.activityBatches.length, 1);
    assert.deepEqual(store.activityBatches[0], new Map([['server01', 300], ['server02', 150]]));
    assert.equal((await store.get('server01'))?.lastActivity, 300);
    assert.equal((await store.get('server02'))?.lastActivity, 150);
    assert.equal(recorder.pendingFor('server01'), undefined);
  });

  it('does not call the store when nothing is pending', async () => {
    const { store, recorder } = await setup('server01');
    await recorder.flush();
    recorder.touch('server01', 100);
    await recorder.flush();
    await recorder.flush();
    assert.equal(store.activityBatches.length, 1);
  });

  it('never lowers a route\'s activity, and never brings back a removed route', async () => {
    const { store, recorder } = await setup('server01');
    await store.recordActivity(new Map([['server01', 500]]));
    await store.remove('server01');
    await store.add('server02', target, 1000);
    recorder.touch('server01', 900);
    recorder.touch('server02', 400);
    await recorder.flush();

    assert.equal(await store.get('server01'), null);
    assert.equal((await store.get('server02'))?.lastActivity, 1000);
  });

  it('keeps the batch pending when the store fails, and writes it on the next flush', async () => {
    const { store, recorder } = await setup('server01');
    recorder.touch('server01', 100);
    store.unavailable = true;
    await recorder.flush();

    assert.equal(recorder.pendingFor('server01'), 100);
    store.unavailable = false;
    await recorder.flush();
    assert.equal((await store.get('server01'))?.lastActivity, 100);
    assert.equal(recorder.pendingFor('server01'), undefined);
  });

  it('keeps a newer touch made while a failing flush was under way', async () => {
    const { store, recorder } = await setup('server01');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    store.recordActivity = async () => {
      await gate;
      throw new Error('redis went away');
    };
    recorder.touch('server01', 100);
    const flushing = recorder.flush();
    recorder.touch('server01', 200);
    release();
    await flushing;

    assert.equal(recorder.pendingFor('server01'), 200);
  });

  it('flushes on its timer once started', async () => {
    const { store, recorder } = await setup('server01');
    recorder.start();
    try {
      recorder.touch('server01', 100);
      for (let waited = 0; store.activityBatches.length === 0 && waited < 1000; waited += 5) await sleep(5);
      assert.equal((await store.get('server01'))?.lastActivity, 100);
    } finally {
      await recorder.stop();
    }
  });

  it('writes what is pending when stopped', async () => {
    const { store, recorder } = await setup('server01');
    recorder.touch('server01', 200);
    await recorder.stop();
    assert.equal((await store.get('server01'))?.lastActivity, 200);
  });
});

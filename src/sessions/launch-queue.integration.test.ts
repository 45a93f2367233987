import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, launchSession, type Harness } from '../testing/launcher-harness.js';

describe('the launch queue against a real Docker engine', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({ server: { maxConcurrentStarts: 1 }, capacity: { maxServers: 10, maxServersPerIp: 10 } });
  });
  after(() => harness.cleanup());

  it('starts one server at a time, tells GET /api/launch-queue who waits, and serves everyone', async () => {
    let launchesDone = false;
    const launches = Promise.all(Array.from({ length: 3 }, () => launchSession(harness.url))).finally(() => { launchesDone = true; });
    const seen: Array<{ running: number; waiting: number }> = [];
    while (!launchesDone) {
      const response = await fetch(`${harness.url}/api/launch-queue`);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      seen.push(await response.json() as { running: number; waiting: number });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const launched = await launches;
    assert.equal(new Set(launched.map((session) => session.id)).size, 3);
    assert.ok(seen.every((state) => state.running <= 1), JSON.stringify(seen));
    assert.ok(seen.some((state) => state.waiting > 0), 'someone was seen waiting');
    assert.deepEqual(await (await fetch(`${harness.url}/api/launch-queue`)).json(), { running: 0, waiting: 0 });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';

// The environment variable itself is read by loadConfig (src/config/load.test.ts); the harness sets the setting directly.
describe('a deployment that brings its own organizer token (NBLAUNCH_ORGANIZER_TOKEN)', () => {
  let harness: Harness;
  const printed: string[] = [];
  const configured = 'deployment-token-0123456789abcdef';
  before(async () => {
    harness = await bootLauncher({ auth: { organizerToken: configured } }, { print: (text) => printed.push(text) });
  });
  after(() => harness.cleanup());

  it('accepts that token at once and prints nothing', async () => {
    assert.deepEqual(printed, []);
    const me = await fetch(`${harness.url}/api/organizer/me`, { headers: { authorization: `Bearer ${configured}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json() as { label: string }).label, 'from NBLAUNCH_ORGANIZER_TOKEN');
    const tokens = await fetch(`${harness.url}/api/organizer-tokens`, { headers: { authorization: `Bearer ${configured}` } });
    const listed = await tokens.json() as { tokens: Array<Record<string, string>> };
    assert.equal(listed.tokens.length, 1);
    assert.ok(!JSON.stringify(listed).includes(configured));
  });

  it('finds it stored on the next start: still one token, still nothing printed', async () => {
    await harness.restart();
    assert.deepEqual(printed, []);
    const tokens = await fetch(`${harness.url}/api/organizer-tokens`, { headers: { authorization: `Bearer ${configured}` } });
    assert.equal((await tokens.json() as { tokens: unknown[] }).tokens.length, 1);
  });
});

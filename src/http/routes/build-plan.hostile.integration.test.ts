import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootLauncherWithGit, type GitBackedHarness } from '../../testing/launcher-harness.js';

/** GET /api/build-plan as the client `address` (the launcher trusts X-Forwarded-For in this test). */
async function buildPlan(url: string, spec: string, address: string): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${url}/api/build-plan/gh/${spec}`, { headers: { 'x-forwarded-for': address } });
  const body = await response.json() as { reason?: string };
  return { status: response.status, ...(body.reason ? { reason: body.reason } : {}) };
}

describe('/api/build-plan against a flood of anonymous requests', () => {
  let launched: GitBackedHarness;
  const checkoutDir = mkdtempSync(join(tmpdir(), 'nblaunch-hclient-plans-'));

  before(async () => {
    launched = await bootLauncherWithGit({
      instance: `hclient-plan-${Math.random().toString(36).slice(2, 8)}`,
      trustProxy: true,
      build: { maxConcurrent: 1 },
      policy: { buildsPerIpPerHour: 3 },
      git: { checkoutDir },
    });
    await launched.git.createRepo('demo/plan', { 'requirements.txt': 'six\n', 'data.bin': 'x'.repeat(256 * 1024) });
  });
  after(async () => {
    await launched.cleanup();
    rmSync(checkoutDir, { recursive: true, force: true });
  });

  it('runs one dry run at a time, queues a few, refuses the rest with 429, and never holds more than one checkout', async () => {
    launched.git.responseDelayMs = 400;
    let mostCheckouts = 0;
    const watching = setInterval(() => {
      mostCheckouts = Math.max(mostCheckouts, readdirSync(checkoutDir).filter((name) => name.startsWith('nblaunch-checkout-')).length);
    }, 20);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => buildPlan(launched.harness.url, 'demo/plan/main', `203.0.113.${index + 1}`)));
      const refused = answers.filter((answer) => answer.status === 429);
      assert.ok(refused.length >= 5, `1 running and 4 waiting at most, the rest refused: ${JSON.stringify(answers)}`);
      assert.ok(refused.every((answer) => answer.reason === 'build-plan-busy'), JSON.stringify(refused));
      assert.ok(answers.filter((answer) => answer.status === 200).length >= 1, JSON.stringify(answers));
      assert.ok(answers.every((answer) => answer.status === 200 || answer.status === 429), JSON.stringify(answers));
    } finally {
      clearInterval(watching);
      launched.git.responseDelayMs = 0;
    }
    assert.ok(mostCheckouts <= 1, `at most one checkout on disk at once (saw ${mostCheckouts})`);
    assert.deepEqual(readdirSync(checkoutDir).filter((name) => name.startsWith('nblaunch-checkout-')), [], 'every checkout is removed');
  });

  it('counts dry runs against the per-address build limit', async () => {
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await buildPlan(launched.harness.url, 'demo/plan/main', '198.51.100.7'));
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 429]);
    assert.equal(answers[3]!.reason, 'build-rate-limit');
    assert.equal((await buildPlan(launched.harness.url, 'demo/plan/main', '198.51.100.8')).status, 200, 'another address still gets its plan');
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkoutPrefix, sweepAbandonedCheckouts } from './abandoned-checkouts.js';

/** The pid of a process that ran and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('sweepAbandonedCheckouts', () => {
  const work = mkdtempSync(join(tmpdir(), 'nblaunch-sweep-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('removes checkouts of dead processes and keeps those of live ones and unrelated folders', async () => {
    const dead = await deadPid();
    const abandoned = join(work, `${checkoutPrefix('checkout', dead)}abc123`);
    const abandonedRefs = join(work, `${checkoutPrefix('refs', dead)}def456`);
    const mine = join(work, `${checkoutPrefix('checkout')}ghi789`);
    const parents = join(work, `${checkoutPrefix('checkout', process.ppid)}jkl012`);
    const unrelated = join(work, 'nblaunch-checkout-old-style');
    for (const dir of [abandoned, abandonedRefs, mine, parents, unrelated]) {
      mkdirSync(join(dir, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'sub', 'file'), 'x');
    }

    const removed = await sweepAbandonedCheckouts(work);
    assert.deepEqual(removed.sort(), [abandoned, abandonedRefs].map((dir) => dir.slice(work.length + 1)).sort());
    assert.equal(existsSync(abandoned), false);
    assert.deepEqual(readdirSync(work).sort(), [mine, parents, unrelated].map((dir) => dir.slice(work.length + 1)).sort());
  });

  it('answers nothing for a folder that does not exist', async () => {
    assert.deepEqual(await sweepAbandonedCheckouts(join(work, 'missing')), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import type { BuildEvent } from './build-events.js';
import { BuildJob } from './build-job.js';

describe('BuildJob', () => {
  it('replays phases and recent log lines to a late joiner, then follows', async () => {
    const job = new BuildJob('img:1');
    job.emit({ phase: 'waiting', message: 'waiting\n' });
    job.emit({ phase: 'fetching', message: 'fetching\n' });
    job.log('step 1\n');
    job.log('step 2\n');
    const seen: BuildEvent[] = [];
    job.subscribe((event) => seen.push(event));
    assert.deepEqual(seen.map((event) => event.message), ['waiting\n', 'step 1\n', 'step 2\n', 'fetching\n']);
    job.log('step 3\n');
    job.succeed();
    assert.equal(await job.done, 'img:1');
    assert.deepEqual(seen.slice(4).map((event) => event.phase), ['building', 'built']);
    assert.equal(seen.at(-1)!.imageName, 'img:1');
  });

  it('keeps only the last 300 log lines', () => {
    const job = new BuildJob('img:2');
    for (let i = 0; i < 400; i += 1) job.log(`line ${i}\n`);
    const seen: BuildEvent[] = [];
    job.subscribe((event) => seen.push(event));
    assert.equal(seen.length, 300);
    assert.equal(seen[0]!.message, 'line 100\n');
  });

  it('fails once with the error\'s message and reason; later calls change nothing', async () => {
    const job = new BuildJob('img:3');
    const seen: BuildEvent[] = [];
    job.subscribe((event) => seen.push(event));
    job.fail(new LauncherError(422, 'build-failed', 'pip could not install numpy'));
    job.succeed();
    await assert.rejects(job.done, /pip could not install numpy/);
    assert.deepEqual(seen, [{ phase: 'failed', message: 'pip could not install numpy\n', reason: 'build-failed' }]);
    assert.equal(job.isFinished, true);
  });

  it('stops sending to a listener that unsubscribed', () => {
    const job = new BuildJob('img:4');
    const seen: BuildEvent[] = [];
    const unsubscribe = job.subscribe((event) => seen.push(event));
    job.log('a\n');
    unsubscribe();
    job.log('b\n');
    assert.deepEqual(seen.map((event) => event.message), ['a\n']);
  });
});

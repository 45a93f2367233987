import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { labelKeys } from '../runtime/labels.js';
import { runCodeInNewKernel } from '../testing/kernel-client.js';
import { bootLauncher, launchSession, type Harness } from '../testing/launcher-harness.js';

describe('reconcile Docker with Redis', () => {
  let harness: Harness;
  before(async () => { harness = await bootLauncher(); });
  after(() => harness.cleanup());

  it('keeps every live session reachable across a launcher restart', async () => {
    const session = await launchSession(harness.url);
    const oldPort = harness.launcher.port;
    await harness.restart();
    assert.notEqual(harness.launcher.port, 0);
    const movedUrl = session.url.replace(`:${oldPort}/`, `:${harness.launcher.port}/`);
    const status = await fetch(`${movedUrl}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(status.status, 200);
    assert.equal(await runCodeInNewKernel(movedUrl, session.token, 'print("still here")'), 'still here\n');
    assert.notEqual(await harness.launcher.deps.sessions.get(session.id), null);
  });

  it('removes a labelled container that Redis does not know about at start-up', async () => {
    const orphanId = 'orphan0000000000000a';
    execFileSync('docker', [
      'run', '-d', '--name', `nblaunch-${harness.config.instance}-${orphanId}`,
      '--label', `${labelKeys.managed}=true`, '--label', `${labelKeys.instance}=${harness.config.instance}`, '--label', `${labelKeys.session}=${orphanId}`,
      harness.config.image, 'sleep', '600',
    ], { stdio: 'ignore' });
    assert.equal(await harness.launcher.deps.spawner.poll(orphanId), 'running');
    await harness.restart();
    assert.equal(await harness.launcher.deps.spawner.poll(orphanId), 'missing');
  });

  it('ends a session whose container disappeared, and says so at its link', async () => {
    const session = await launchSession(harness.url);
    execFileSync('docker', ['rm', '-f', `nblaunch-${harness.config.instance}-${session.id}`], { stdio: 'ignore' });
    const report = await harness.launcher.reconciler.reconcileOnce();
    assert.deepEqual(report.sessionsEnded, [session.id]);
    assert.equal((await harness.launcher.deps.sessions.ended(session.id))?.reason, 'server-gone');
    const page = await fetch(`${harness.url}/s/${session.id}/tree`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /stopped unexpectedly/);
  });

  it('ends a session whose container stopped (as after a Docker engine restart) and removes the container', async () => {
    const session = await launchSession(harness.url);
    execFileSync('docker', ['kill', `nblaunch-${harness.config.instance}-${session.id}`], { stdio: 'ignore' });
    const report = await harness.launcher.reconciler.reconcileOnce();
    assert.ok(report.sessionsEnded.includes(session.id));
    assert.equal(await harness.launcher.deps.spawner.poll(session.id), 'missing');
  });
});

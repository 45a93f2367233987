import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, eventually, launchSession, type Harness } from '../testing/launcher-harness.js';
import { runCodeInNewKernel } from '../testing/kernel-client.js';

const html = { accept: 'text/html' };

describe('ephemeral servers against a real Docker engine and Redis', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({ cull: { idleTimeoutSeconds: 3, maxAgeSeconds: 3600 }, capacity: { maxServers: 10, maxServersPerIp: 10 } });
  });
  after(() => harness.cleanup());

  it('launches a server and proxies HTTP to it', async () => {
    const session = await launchSession(harness.url);
    assert.match(session.id, /^[a-z0-9]{20}$/);
    assert.equal(session.url, `${harness.url}/s/${session.id}/`);
    assert.ok(Date.parse(session.expiresAt) > Date.now());

    const status = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(status.status, 200);
    assert.ok('last_activity' in (await status.json() as object));

    const tree = await fetch(`${session.url}tree?token=${session.token}`, { headers: html });
    assert.equal(tree.status, 200);
    assert.match(await tree.text(), /<title>Home Page - Select or create a notebook<\/title>/);

    const [containerId] = harness.containers();
    const inspected = JSON.parse(execFileSync('docker', ['inspect', containerId!], { encoding: 'utf8' }))[0];
    assert.equal(inspected.Config.Labels['org.nblaunch.session'], session.id);
    assert.equal(inspected.Config.Labels['org.nblaunch.managed'], 'true');
    assert.equal(inspected.NetworkSettings.Ports['8888/tcp'][0].HostIp, '127.0.0.1');
    assert.equal(inspected.HostConfig.Memory, harness.config.server.memoryMb * 1024 * 1024);
    assert.equal(inspected.HostConfig.PidsLimit, harness.config.server.pids);
  });

  it('carries a kernel WebSocket through the proxy: code runs and its output comes back', async () => {
    const session = await launchSession(harness.url);
    const output = await runCodeInNewKernel(session.url, session.token, 'print(6*7)');
    assert.equal(output, '42\n');
  });

  it('shows a session only to its token holder, and deletes it with the token', async () => {
    const session = await launchSession(harness.url);
    const wrong = await fetch(`${harness.url}/api/sessions/${session.id}`, { headers: { authorization: 'token nope' } });
    assert.equal(wrong.status, 404);
    assert.equal((await wrong.json() as { reason: string }).reason, 'no-such-session');

    const shown = await fetch(`${harness.url}/api/sessions/${session.id}`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(shown.status, 200);
    assert.equal((await shown.json() as { state: string }).state, 'running');

    const deleted = await fetch(`${harness.url}/api/sessions/${session.id}`, { method: 'DELETE', headers: { authorization: `token ${session.token}` } });
    assert.equal(deleted.status, 204);
    const gone = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(gone.status, 410);
    assert.equal((await gone.json() as { reason: string }).reason, 'session-ended');
    assert.equal(await harness.launcher.deps.spawner.poll(session.id), 'missing');
  });

  it('culls a server idle past the limit and explains it at the old link', async () => {
    const session = await launchSession(harness.url);
    const before = await harness.launcher.deps.sessions.count();
    await eventually(async () => {
      await harness.launcher.culler.cullOnce();
      return (await harness.launcher.deps.sessions.get(session.id)) === null ? true : undefined;
    }, 30_000, 'the idle server to be culled');
    assert.ok((await harness.launcher.deps.sessions.count()) < before);
    assert.equal(await harness.launcher.deps.spawner.poll(session.id), 'missing');
    assert.equal(await harness.launcher.deps.routes.lookup(session.id), null);

    const page = await fetch(`${session.url}tree`, { headers: html });
    assert.equal(page.status, 410);
    const text = await page.text();
    assert.match(text, /This server has ended/);
    assert.match(text, /no activity for longer than the idle limit/);
    assert.match(text, /href="\/launch"/);
  });

  it('keeps a server that is in use', async () => {
    const session = await launchSession(harness.url);
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const response = await fetch(`${session.url}api/contents`, { headers: { authorization: `token ${session.token}` } });
      assert.equal(response.status, 200);
      await harness.launcher.activity.flush();
      await harness.launcher.culler.cullOnce();
    }
    assert.notEqual(await harness.launcher.deps.sessions.get(session.id), null);
  });

  it('answers 404 with a page for a server id it never made', async () => {
    const response = await fetch(`${harness.url}/s/abcdefabcdefabcdefab/tree`, { headers: html });
    assert.equal(response.status, 404);
    assert.match(await response.text(), /There is no notebook server at this address/);
  });
});

describe('maximum age', () => {
  let harness: Harness;
  before(async () => { harness = await bootLauncher({ cull: { idleTimeoutSeconds: 3600, maxAgeSeconds: 2 } }); });
  after(() => harness.cleanup());

  it('removes a server past its maximum age even while it is active', async () => {
    const session = await launchSession(harness.url);
    await eventually(async () => {
      await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
      await harness.launcher.culler.cullOnce();
      return (await harness.launcher.deps.sessions.get(session.id)) === null ? true : undefined;
    }, 30_000, 'the old server to be culled');
    assert.deepEqual((await harness.launcher.deps.sessions.ended(session.id))?.reason, 'max-age');
    assert.equal(harness.containers().length, 0);
    const page = await fetch(`${session.url}tree`, { headers: html });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /reached its maximum lifetime/);
  });
});

describe('capacity', () => {
  let harness: Harness;
  before(async () => { harness = await bootLauncher({ trustProxy: true, capacity: { maxServers: 2, maxServersPerIp: 1 } }); });
  after(() => harness.cleanup());

  const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });

  it('refuses a second server for one address and a third server overall with 429', async () => {
    const first = await fetch(`${harness.url}/api/sessions`, { method: 'POST', headers: from('192.0.2.1') });
    assert.equal(first.status, 201);

    const sameAddress = await fetch(`${harness.url}/api/sessions`, { method: 'POST', headers: from('192.0.2.1') });
    assert.equal(sameAddress.status, 429);
    const ipBody = await sameAddress.json() as { status: number; reason: string; message: string };
    assert.deepEqual([ipBody.status, ipBody.reason], [429, 'ip-limit']);
    assert.match(ipBody.message, /already has 1 notebook servers running/);
    assert.equal(sameAddress.headers.get('retry-after'), '10');

    const second = await fetch(`${harness.url}/api/sessions`, { method: 'POST', headers: from('192.0.2.2') });
    assert.equal(second.status, 201);

    const full = await fetch(`${harness.url}/api/sessions`, { method: 'POST', headers: from('192.0.2.3') });
    assert.equal(full.status, 429);
    assert.equal((await full.json() as { reason: string }).reason, 'capacity-full');
    assert.equal(harness.containers().length, 2);
  });

  it('shows browsers a page that retries by itself when full', async () => {
    const response = await fetch(`${harness.url}/launch`, { method: 'POST', headers: from('192.0.2.4', html), redirect: 'manual' });
    assert.equal(response.status, 429);
    const page = await response.text();
    assert.match(page, /No free servers right now/);
    assert.match(page, /<meta http-equiv="refresh" content="10;url=\/launch">/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runCodeInNewKernel } from '../testing/kernel-client.js';
import { bootLauncher, eventually, launchSession, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient } from '../testing/workshop-client.js';

const html = { accept: 'text/html' };
const diskMb = 32;

/** A notebook user filling the host's disk from a server: the server is ended at server.diskMb, with the reason on its page. */
describe('hostile users: a notebook server past its disk limit', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({ instance: `hbuild-${Math.random().toString(36).slice(2, 8)}`, server: { diskMb, diskCheckSeconds: 0.5 } });
  });
  after(() => harness.cleanup());

  it('refuses one file larger than the limit', async () => {
    const session = await launchSession(harness.url);
    const output = await runCodeInNewKernel(session.url, session.token, [
      'try:',
      `    open("/tmp/one-big", "wb").write(b"x" * ${(diskMb + 8) * 1024 * 1024})`,
      '    print("written")',
      'except OSError as error:',
      '    print("refused", error.errno)',
    ].join('\n'));
    assert.match(output, /^refused 27$/m, 'EFBIG: the fsize limit');
    await fetch(`${harness.url}/api/sessions/${session.id}`, { method: 'DELETE', headers: { authorization: `token ${session.token}` } });
  });

  it('ends a server that writes many files past the limit, and its page says why', async () => {
    const session = await launchSession(harness.url);
    await runCodeInNewKernel(session.url, session.token, [
      'for index in range(12):',
      `    open(f"/tmp/fill-{index}", "wb").write(b"x" * ${4 * 1024 * 1024})`,
      'print("done")',
    ].join('\n'));
    await eventually(async () => ((await harness.launcher.deps.sessions.get(session.id)) === null ? true : undefined), 30_000, 'the server over its disk limit to be ended');
    assert.equal((await harness.launcher.deps.sessions.ended(session.id))?.reason, 'disk-limit');
    await eventually(async () => (harness.containers().length === 0 ? true : undefined), 30_000, 'its container to be removed');
    const page = await fetch(`${session.url}tree`, { headers: html });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /wrote more to its disk than the limit for each server \(server\.diskMb\)/);
  });
});

describe('hostile attendees: a persistent server past its disk limit', () => {
  const organizerToken = 'hbuild-organizer-token-0123456789abcdef';
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({
      instance: `hbuild-${Math.random().toString(36).slice(2, 8)}`, trustProxy: true,
      auth: { signInAttemptsPerMinute: 1000, organizerToken }, server: { diskMb, diskCheckSeconds: 0.5, homeCheckSeconds: 1 },
    });
  });
  after(() => harness.cleanup());

  it('stops the attendee\'s server, keeps their home files, and their workshop page says why', async () => {
    const base = () => harness.url;
    const organizer = new OrganizerClient(base, organizerToken);
    const ann = { name: 'Ann Lee', email: 'ann@example.org' };
    const links = await organizer.workshopWith('disk', [ann]);
    const client = await AttendeeClient.signIn(base, 'disk', links.get(ann.email)!);
    const server = await client.openServer();
    assert.equal(await client.writeFile(server, 'kept.txt', 'my work'), 201);
    // What code in the server would do: write outside the home volume until the host's disk is full.
    execFileSync('docker', ['exec', '-u', '1000', `nblaunch-${harness.config.instance}-${server.id}`, 'sh', '-c', 'for i in $(seq 1 12); do head -c 4194304 /dev/zero > /tmp/fill-$i; done']);
    const stopped = await eventually(async () => {
      const record = await harness.launcher.deps.persistentServers.get(server.id);
      return record?.state === 'stopped' ? record : undefined;
    }, 30_000, 'the attendee\'s server to be stopped');
    assert.equal(stopped.stopReason, 'disk-limit');
    assert.equal(harness.volumes().length, 1, 'the home volume is kept');
    const page = await (await client.fetch('/w/disk', { headers: html })).text();
    assert.match(page, /stopped because it wrote more to its disk than the limit/);

    const again = await client.openServer();
    assert.equal(await client.readFile(again, 'kept.txt'), 'my work');
  });

  it('stops a server whose home grows past the limit (files hidden by chmod count too), lets it run again to delete, and stops it past twice the limit', async () => {
    const base = () => harness.url;
    const organizer = new OrganizerClient(base, organizerToken);
    const bob = { name: 'Bob Roe', email: 'bob@example.org' };
    const links = await organizer.workshopWith('home', [bob]);
    const client = await AttendeeClient.signIn(base, 'home', links.get(bob.email)!);
    const server = await client.openServer();
    const container = `nblaunch-${harness.config.instance}-${server.id}`;
    const stoppedFor = async (what: string) => eventually(async () => {
      const record = await harness.launcher.deps.persistentServers.get(server.id);
      return record?.state === 'stopped' ? record : undefined;
    }, 30_000, what);
    // 40 MiB in the home, in a folder its owner then closes to everyone (also to a du run as them).
    execFileSync('docker', ['exec', '-u', '1000', container, 'sh', '-c', 'mkdir -p ~/hidden && for i in 1 2 3 4 5; do head -c 8388608 /dev/zero > ~/hidden/part-$i; done && chmod 000 ~/hidden']);
    const first = await stoppedFor('the server to stop for its home\'s size');
    assert.equal(first.stopReason, 'home-limit');
    assert.ok(harness.volumes().includes(first.volume), 'the home volume is kept');
    const page = await (await client.fetch('/w/home', { headers: html })).text();
    assert.match(page, /files in your home folder take more than 32 MiB/);

    const again = await client.openServer();
    // A measuring pass or two within the grace period: the server keeps running.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal((await harness.launcher.deps.persistentServers.get(again.id))?.state, 'running');
    execFileSync('docker', ['exec', '-u', '1000', container, 'sh', '-c', 'chmod 700 ~/hidden && for i in 6 7 8 9 10; do head -c 8388608 /dev/zero > ~/hidden/part-$i; done']);
    const second = await stoppedFor('the server past twice the limit to stop despite the grace period');
    assert.equal(second.stopReason, 'home-limit');
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDockerEngineIsBack, restartDockerEngine } from '../testing/docker-engine.js';
import { bootLauncher, eventually, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient, upgradeStatus } from '../testing/workshop-client.js';

const organizerToken = 'integration-organizer-token-0123456789';
const ann = { name: 'Ann Lee', email: 'ann@example.org' };
const bob = { name: 'Bob Ray', email: 'bob@example.org' };

function dockerInspect(kind: 'container' | 'volume', name: string): Record<string, any> | null {
  try {
    return JSON.parse(execFileSync('docker', [kind, 'inspect', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
  } catch {
    return null;
  }
}

async function archiveListing(response: Response): Promise<string[]> {
  assert.equal(response.status, 200);
  const dir = mkdtempSync(join(tmpdir(), 'nblaunch-export-'));
  try {
    writeFileSync(join(dir, 'work.tar.gz'), Buffer.from(await response.arrayBuffer()));
    return execFileSync('tar', ['-tzf', join(dir, 'work.tar.gz')], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('persistent attendee servers against a real Docker engine and Redis', () => {
  let harness: Harness;
  let organizer: OrganizerClient;
  let links: Map<string, string>;
  let annClient: AttendeeClient;
  let annServer: { id: string; path: string; token: string };
  const base = () => harness.url;
  const containerOf = (id: string) => `nblaunch-${harness.config.instance}-${id}`;
  const persistentState = async (id: string) => (await harness.launcher.deps.persistentServers.get(id))?.state;

  /** Culls (idle limit: 2 s) until the server has stopped. */
  const cullUntilStopped = (id: string) => eventually(async () => {
    await harness.launcher.culler.cullOnce();
    return (await persistentState(id)) === 'stopped' ? true : undefined;
  }, 60_000, `${id} to be stopped for idling`);

  before(async () => {
    harness = await bootLauncher({
      trustProxy: true, auth: { signInAttemptsPerMinute: 1000, organizerToken },
      cull: { idleTimeoutSeconds: 2 }, capacity: { maxServers: 10, maxServersPerIp: 10 },
    });
    organizer = new OrganizerClient(base, organizerToken);
  });
  after(async () => {
    await ensureDockerEngineIsBack();
    await harness.cleanup();
  });

  it('opens attendee A\'s own server on a labelled volume seeded from the image, and A writes a file there', async () => {
    links = await organizer.workshopWith('keep', [ann, bob]);
    annClient = await AttendeeClient.signIn(base, 'keep', links.get(ann.email)!);
    annServer = await annClient.openServer();
    const annId = await organizer.attendeeId('keep', ann.email);
    assert.equal(annServer.id, `ws-keep-${annId}`);
    assert.equal(await annClient.writeFile(annServer, 'hello.txt', 'written by Ann'), 201);
    assert.equal(await annClient.readFile(annServer, 'hello.txt'), 'written by Ann');

    const container = dockerInspect('container', containerOf(annServer.id))!;
    assert.deepEqual([container.Config.Labels['org.nblaunch.kind'], container.Config.Labels['org.nblaunch.workshop'], container.Config.Labels['org.nblaunch.attendee']], ['persistent', 'keep', annId]);
    assert.equal(container.HostConfig.Memory, 512 * 1024 * 1024);
    const volume = dockerInspect('volume', `nblaunch-${harness.config.instance}-ws-keep-${annId}`)!;
    assert.deepEqual([volume.Labels['org.nblaunch.managed'], volume.Labels['org.nblaunch.instance'], volume.Labels['org.nblaunch.workshop'], volume.Labels['org.nblaunch.attendee']], ['true', harness.config.instance, 'keep', annId]);
    assert.ok(existsSync(join(volume.Mountpoint, '.profile')), 'Docker filled the new volume from the image\'s home');
    assert.equal(container.Mounts[0].Name, volume.Name);
    assert.equal(container.Mounts[0].Destination, '/home/jovyan');
  });

  it('stops the server when idle (container stopped, volume kept); A opens it again and the file is there', async () => {
    const containerId = dockerInspect('container', containerOf(annServer.id))!.Id;
    await cullUntilStopped(annServer.id);
    assert.equal(dockerInspect('container', containerOf(annServer.id))?.State.Running, false);
    assert.ok(harness.volumes().length >= 1);
    const stoppedPage = await annClient.fetch(`${annServer.path}tree`, { headers: { accept: 'text/html' } });
    assert.equal(stoppedPage.status, 409);
    assert.match(await stoppedPage.text(), /This server is stopped/);
    assert.equal(await harness.launcher.deps.sessions.count(), 0, 'a stopped server holds no capacity slot');

    const again = await annClient.openServer();
    assert.deepEqual([again.id, again.token], [annServer.id, annServer.token]);
    assert.equal(dockerInspect('container', containerOf(annServer.id))!.Id, containerId, 'the same container, started again');
    assert.equal(await annClient.readFile(again, 'hello.txt'), 'written by Ann');
  });

  it('keeps A\'s server and files across a launcher restart', async () => {
    await harness.restart();
    assert.equal(await annClient.readFile(annServer, 'hello.txt'), 'written by Ann', 'the running server is still reachable');
    await cullUntilStopped(annServer.id);
    await harness.restart();
    assert.equal(dockerInspect('container', containerOf(annServer.id))?.State.Running, false, 'the start-up reconcile left the stopped server alone');
    await annClient.openServer();
    assert.equal(await annClient.readFile(annServer, 'hello.txt'), 'written by Ann');
  });

  it('lets only A (and organizers) reach A\'s server: B gets 403, an anonymous visitor the sign-in page, over HTTP and WebSocket', async () => {
    const bobClient = await AttendeeClient.signIn(base, 'keep', links.get(bob.email)!);
    const file = `${annServer.path}api/contents/hello.txt`;
    const asBob = await bobClient.fetch(file, { token: annServer.token });
    assert.equal(asBob.status, 403);
    assert.equal((await asBob.json() as { reason: string }).reason, 'not-your-server');
    const bobPage = await bobClient.fetch(`${annServer.path}tree`, { token: annServer.token, headers: { accept: 'text/html' } });
    assert.equal(bobPage.status, 403);
    assert.match(await bobPage.text(), /belongs to another attendee/);

    const anonymousPage = await fetch(`${base()}${annServer.path}tree?token=${annServer.token}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(anonymousPage.status, 303);
    assert.equal(anonymousPage.headers.get('location'), '/w/keep/sign-in');
    assert.equal((await fetch(`${base()}${file}`, { headers: { authorization: `token ${annServer.token}` } })).status, 401);

    const asOrganizer = await fetch(`${base()}${file}?token=${annServer.token}`, { headers: { authorization: `Bearer ${organizerToken}` } });
    assert.equal(asOrganizer.status, 200);

    const kernel = await annClient.fetch(`${annServer.path}api/kernels`, { method: 'POST', token: annServer.token, headers: { 'content-type': 'application/json' }, body: '{"name":"python3"}' });
    assert.equal(kernel.status, 201);
    const channels = `${base()}${annServer.path}api/kernels/${(await kernel.json() as { id: string }).id}/channels`;
    assert.equal(await upgradeStatus(channels, { cookie: annClient.cookie, authorization: `token ${annServer.token}` }), 101);
    assert.equal(await upgradeStatus(channels, { cookie: bobClient.cookie, authorization: `token ${annServer.token}` }), 403);
    assert.equal(await upgradeStatus(channels, { authorization: `token ${annServer.token}` }), 401);
  });

  it('stops honouring a revoked link while A\'s files stay: the organizer re-issues it, A signs in again and finds the file', async () => {
    const annId = await organizer.attendeeId('keep', ann.email);
    const reissued = await organizer.json<{ link: string }>(`/api/workshops/keep/attendees/${annId}/reissue`, { method: 'POST' });
    assert.equal((await fetch(`${base()}${new URL(links.get(ann.email)!).pathname}${new URL(links.get(ann.email)!).search}`, { redirect: 'manual' })).status, 410);
    const oldSession = await annClient.fetch(`${annServer.path}tree`, { token: annServer.token, headers: { accept: 'text/html' } });
    assert.equal(oldSession.status, 303, 'the old sign-in no longer opens the server');

    annClient = await AttendeeClient.signIn(base, 'keep', reissued.link);
    annServer = await annClient.openServer();
    assert.equal(await annClient.readFile(annServer, 'hello.txt'), 'written by Ann');
  });

  it('stops every server at the end (by the organizer, or when endsAt passes) and keeps the volumes', async () => {
    const bobClient = await AttendeeClient.signIn(base, 'keep', links.get(bob.email)!);
    const bobServer = await bobClient.openServer();
    assert.equal(await bobClient.writeFile(bobServer, 'bob.txt', 'written by Bob'), 201);
    const ended = await organizer.json<{ serversStopped: number }>('/api/workshops/keep/end', { method: 'POST' });
    assert.equal(ended.serversStopped, 2);
    for (const id of [annServer.id, bobServer.id]) {
      assert.equal(dockerInspect('container', containerOf(id))?.State.Running, false);
      assert.equal(await persistentState(id), 'stopped');
    }
    assert.equal(harness.volumes().length, 2);

    const lateLinks = await organizer.workshopWith('late', [ann]);
    const lateClient = await AttendeeClient.signIn(base, 'late', lateLinks.get(ann.email)!);
    const lateServer = await lateClient.openServer();
    await organizer.json('/api/workshops/late', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endsAt: new Date(Date.now() - 1000).toISOString() }) });
    await harness.launcher.culler.cullOnce();
    assert.equal((await harness.launcher.deps.persistentServers.get(lateServer.id))?.stopReason, 'workshop-ended');
    assert.equal(dockerInspect('container', containerOf(lateServer.id))?.State.Running, false);
  });

  it('exports every attendee\'s files in one archive, gives A their own, and deletes the volumes only when asked', async () => {
    const [annId, bobId] = [await organizer.attendeeId('keep', ann.email), await organizer.attendeeId('keep', bob.email)];
    const everyone = await archiveListing(await organizer.api('/api/workshops/keep/export'));
    assert.ok(everyone.includes(`./ann-lee-${annId}/hello.txt`), everyone.join('\n'));
    assert.ok(everyone.includes(`./bob-ray-${bobId}/bob.txt`));
    const own = await archiveListing(await annClient.fetch('/w/keep/my-work.tar.gz'));
    assert.ok(own.includes(`./ann-lee-${annId}/hello.txt`));
    assert.ok(!own.some((entry) => entry.includes('bob')));
    await eventually(async () => (execFileSync('docker', ['ps', '-aq', '--filter', `label=org.nblaunch.instance=${harness.config.instance}`, '--filter', 'label=org.nblaunch.role=export'], { encoding: 'utf8' }).trim() === '' ? true : undefined), 10_000, 'the export helpers to be removed');

    const deleted = await organizer.json<{ volumesDeleted: number }>('/api/workshops/keep/volumes', { method: 'DELETE' });
    assert.equal(deleted.volumesDeleted, 2);
    assert.deepEqual(harness.volumes().filter((name) => name.includes('-ws-keep-')), []);
    assert.equal(dockerInspect('container', containerOf(annServer.id)), null);
  });

  // Last, alone: it restarts the machine's Docker engine (after waiting for other Docker users to finish).
  it('keeps A\'s files across a Docker engine restart: the stopped container is started again', async () => {
    const engineLinks = await organizer.workshopWith('engine', [ann]);
    const client = await AttendeeClient.signIn(base, 'engine', engineLinks.get(ann.email)!);
    const server = await client.openServer();
    assert.equal(await client.writeFile(server, 'survivor.txt', 'still here'), 201);
    try {
      await restartDockerEngine();
    } finally {
      await ensureDockerEngineIsBack();
    }
    assert.equal(dockerInspect('container', containerOf(server.id))?.State.Running, false, 'the container came back Exited');
    const report = await harness.launcher.reconciler.reconcileOnce();
    assert.deepEqual(report.persistentStopped, [server.id]);
    assert.deepEqual(report.orphanContainersRemoved, []);
    const again = await client.openServer();
    assert.equal(again.token, server.token);
    assert.equal(await client.readFile(again, 'survivor.txt'), 'still here');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelKeys } from '../runtime/labels.js';
import { persistentHarness, workshopOn } from './testing/persistent-harness.js';

const ann = { workshop: 'intro-py', attendeeId: 'annannannannann0' };
const bob = { workshop: 'intro-py', attendeeId: 'bobbobbobbobbob0' };
const annId = 'ws-intro-py-annannannannann0';

describe('PersistentServers', () => {
  it('starts an attendee\'s server on their own home volume, with the workshop\'s limits and an owned route', async () => {
    const t = persistentHarness();
    const opened = await t.servers.open(t.workshop, ann);
    assert.deepEqual([opened.id, opened.path, opened.started], [annId, `/s/${annId}/`, true]);

    const [spec] = t.spawner.starts;
    assert.deepEqual(spec?.home?.name, `nblaunch-default-${annId}`, 'the volume is named after the instance, the workshop and the attendee');
    assert.deepEqual(spec?.home?.labels, {
      [labelKeys.managed]: 'true', [labelKeys.instance]: 'default', [labelKeys.role]: 'home', [labelKeys.workshop]: 'intro-py', [labelKeys.attendee]: ann.attendeeId,
    });
    assert.deepEqual([spec?.limits.memoryMb, spec?.limits.cpus], [768, 0.5]);
    assert.deepEqual([spec?.labels?.[labelKeys.kind], spec?.labels?.[labelKeys.workshop], spec?.labels?.[labelKeys.attendee]], ['persistent', 'intro-py', ann.attendeeId]);
    assert.equal(spec?.token, opened.token);

    assert.deepEqual((await t.routes.lookup(annId))?.owner, ann);
    const session = await t.sessions.get(annId);
    assert.deepEqual(session?.owner, ann);
    assert.equal(session?.expiresAt, Date.parse(t.workshop.endsAt), 'no maximum age: the workshop\'s end');
    assert.equal(t.sessions.slots.get(annId)?.clientIp, 'attendee:intro-py/annannannannann0');
    assert.equal((await t.store.get(annId))?.state, 'running');
  });

  it('hands back the running server when opened again, without starting another', async () => {
    const t = persistentHarness();
    const first = await t.servers.open(t.workshop, ann);
    const again = await t.servers.open(t.workshop, ann);
    assert.deepEqual([again.id, again.token, again.started], [first.id, first.token, false]);
    assert.equal(t.spawner.starts.length, 1);
  });

  it('starts one server when the same attendee opens it twice at once', async () => {
    const t = persistentHarness();
    const [a, b] = await Promise.all([t.servers.open(t.workshop, ann), t.servers.open(t.workshop, ann)]);
    assert.equal(a.token, b.token);
    assert.equal(t.spawner.starts.length, 1);
  });

  it('stops without removing: the container and volume stay, the route and the slot go; opening again resumes it', async () => {
    const t = persistentHarness();
    const first = await t.servers.open(t.workshop, ann);
    const firstPort = (await t.routes.lookup(annId))?.port;
    t.advance(5000);
    await t.routeStore.recordActivity(new Map([[annId, t.clock.now]]));
    const activeAt = t.clock.now;
    t.advance(1000);
    await t.servers.stop(annId, 'idle');

    assert.equal(t.spawner.servers.get(annId)?.state, 'stopped');
    assert.ok(t.spawner.volumes.volumes.has(`nblaunch-default-${annId}`));
    assert.equal(await t.routes.lookup(annId), null);
    assert.equal(await t.sessions.get(annId), null);
    assert.equal(await t.sessions.count(), 0);
    assert.equal(await t.sessions.ended(annId), null, 'a stop is no end');
    const stopped = await t.store.get(annId);
    assert.deepEqual([stopped?.state, stopped?.stopReason, stopped?.lastActivity], ['stopped', 'idle', activeAt]);

    const resumed = await t.servers.open(t.workshop, ann);
    assert.deepEqual([resumed.token, resumed.started], [first.token, true]);
    assert.equal(t.spawner.starts.length, 1, 'no new container');
    assert.equal(t.spawner.resumes.length, 1);
    const route = await t.routes.lookup(annId);
    assert.notEqual(route?.port, firstPort, 'the route follows the port the restarted container got');
    assert.equal(route?.port, t.spawner.servers.get(annId)?.port);
  });

  it('holds no capacity slot while stopped', async () => {
    const t = persistentHarness({ settings: { capacity: { maxServers: 1, maxServersPerIp: 1 } } });
    await t.servers.open(t.workshop, ann);
    await assert.rejects(t.servers.open(t.workshop, bob), { status: 429, reason: 'capacity-full' });
    await t.servers.stop(annId, 'idle');
    await t.servers.open(t.workshop, bob);
    await assert.rejects(t.servers.open(t.workshop, ann), { status: 429, reason: 'capacity-full' });
    assert.equal((await t.store.get(annId))?.state, 'stopped', 'a refused start leaves the server stopped');
  });

  it('is not held to the per-address limit: a room of attendees shares one address', async () => {
    const t = persistentHarness({ settings: { capacity: { maxServers: 10, maxServersPerIp: 1 } } });
    await t.servers.open(t.workshop, ann);
    await t.servers.open(t.workshop, bob);
    assert.equal(await t.sessions.count(), 2);
  });

  it('notices a container that stopped behind its back (an engine restart) and starts it again', async () => {
    const t = persistentHarness();
    await t.servers.open(t.workshop, ann);
    t.spawner.kill(annId);
    const opened = await t.servers.open(t.workshop, ann);
    assert.equal(opened.started, true);
    assert.equal(t.spawner.servers.get(annId)?.state, 'running');
    assert.equal((await t.routes.lookup(annId))?.port, t.spawner.servers.get(annId)?.port);
  });

  it('makes a new container on the same volume when the workshop\'s image changed', async () => {
    const t = persistentHarness();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    t.images.image = 'nblaunch/test:2';
    await t.servers.open(t.workshop, ann);
    assert.equal(t.spawner.starts.length, 2);
    assert.equal(t.spawner.starts[1]?.image, 'nblaunch/test:2');
    assert.equal(t.spawner.starts[1]?.home?.name, t.spawner.starts[0]?.home?.name);
    assert.deepEqual(t.images.asked.at(-1), { workshop: 'intro-py', previous: 'nblaunch/test:1' });
    assert.deepEqual(t.spawner.volumes.newFileCopies, [{ volume: t.spawner.starts[0]?.home?.name, image: 'nblaunch/test:2' }], 'files new in the image are brought into the volume');
  });

  it('brings no files over when the image is the same', async () => {
    const t = persistentHarness();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    await t.servers.open(t.workshop, ann);
    assert.deepEqual(t.spawner.volumes.newFileCopies, []);
  });

  it('makes a new container on the same volume when the workshop\'s limits changed', async () => {
    const t = persistentHarness();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    await t.servers.open({ ...t.workshop, limits: { memoryMb: 2048, cpus: 0.5 } }, ann);
    assert.equal(t.spawner.starts.length, 2);
    assert.equal(t.spawner.starts[1]?.limits.memoryMb, 2048);
    assert.equal(t.spawner.starts[1]?.home?.name, t.spawner.starts[0]?.home?.name);
  });

  it('replaces a container it has no record of (its token is unknown), keeping the volume', async () => {
    const t = persistentHarness();
    await t.servers.open(t.workshop, ann);
    await t.servers.stop(annId, 'idle');
    t.store.servers.clear();
    const opened = await t.servers.open(t.workshop, ann);
    assert.deepEqual(t.spawner.stops.at(-1), { id: annId, remove: true });
    assert.equal(t.spawner.starts.length, 2);
    assert.equal(t.spawner.servers.get(annId)?.spec.token, opened.token);
  });

  it('gives the slot back and records the server stopped when the start fails', async () => {
    const t = persistentHarness();
    t.spawner.start = async () => { throw new Error('no such image'); };
    await assert.rejects(t.servers.open(t.workshop, ann), /no such image/);
    assert.equal(await t.sessions.count(), 0);
    assert.equal((await t.store.get(annId))?.state, 'stopped');
  });

  it('refuses to start a server once the workshop is over', async () => {
    const t = persistentHarness();
    const over = workshopOn(t.clock.now, 'intro-py', { endedAt: new Date(t.clock.now).toISOString() });
    await assert.rejects(t.servers.open(over, ann), { status: 410, reason: 'workshop-ended' });
    assert.equal(t.spawner.starts.length, 0);
  });

  it('tells the culler to stop the servers of a workshop that is over, or gone', async () => {
    const t = persistentHarness();
    await t.addWorkshop();
    await t.servers.open(t.workshop, ann);
    const session = (await t.sessions.get(annId))!;
    assert.equal(await t.servers.mustStop(session), null);
    await t.workshopStore.save({ ...t.workshop, endedAt: new Date(t.clock.now).toISOString() });
    assert.equal(await t.servers.mustStop(session), 'workshop-ended');
    await t.workshopStore.remove('intro-py');
    assert.equal(await t.servers.mustStop(session), 'workshop-ended');
    assert.deepEqual([...await t.servers.knownIds()], [annId]);
  });
});

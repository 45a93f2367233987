import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { cliActor } from '../auth/actor.js';
import { archiveFolder, serverStatus } from './server-status.js';
import { attendee, persistentHarness } from './testing/persistent-harness.js';

const ann = attendee('annannannannann0', 'Ann Lee');
const bob = attendee('bobbobbobbobbob0', 'Bob Ray');
const cy = attendee('cycycycycycycyc0', 'Cy Dee');

describe('WorkshopServers', () => {
  it('reports each attendee\'s server: never started, running, stopped, with the last activity', async () => {
    const t = persistentHarness();
    await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    await t.workshopServers.open(t.workshop, bob, { via: 'attendee' });
    t.advance(60_000);
    t.activity.touch('ws-intro-py-annannannannann0', t.clock.now);
    const annActive = t.clock.now;
    await t.workshopServers.stop('intro-py', bob.id, 'organizer', cliActor);

    const statuses = await t.workshopServers.statuses('intro-py');
    assert.deepEqual(statuses.get(ann.id), { status: 'running', lastActivity: new Date(annActive).toISOString() });
    assert.equal(statuses.get(bob.id)?.status, 'stopped');
    assert.ok(statuses.get(bob.id)?.lastActivity);
    assert.equal(statuses.has(cy.id), false, 'never started: no entry');
  });

  it('stops every running server of one workshop at its end, and keeps the volumes', async () => {
    const t = persistentHarness();
    const other = { ...t.workshop, slug: 'other' };
    await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    await t.workshopServers.open(t.workshop, bob, { via: 'attendee' });
    await t.workshopServers.open(other, attendee('cycycycycycycyc0', 'Cy', 'other'), { via: 'attendee' });
    assert.equal(await t.workshopServers.stopWorkshop('intro-py', 'workshop-ended'), 2);
    assert.deepEqual(t.spawner.running(), ['ws-other-cycycycycycycyc0']);
    assert.equal(t.spawner.volumes.volumes.size, 3);
  });

  it('restarts a server: stopped, then started again on its volume', async () => {
    const t = persistentHarness();
    const first = await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    const again = await t.workshopServers.restart(t.workshop, ann, cliActor);
    assert.equal(again.token, first.token);
    assert.equal(t.spawner.resumes.length, 1);
    assert.equal(t.spawner.servers.get(first.id)?.state, 'running');
    assert.equal((await t.store.get(first.id))?.stopReason, 'restart');
  });

  it('deletes the volumes only after the end, with the containers that use them', async () => {
    const t = persistentHarness();
    await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    await t.workshopServers.open(t.workshop, bob, { via: 'attendee' });
    await assert.rejects(t.workshopServers.deleteVolumes(t.workshop, cliActor), { status: 409, reason: 'workshop-not-ended' });
    assert.equal(t.spawner.volumes.volumes.size, 2);

    const ended = { ...t.workshop, endedAt: new Date(t.clock.now).toISOString() };
    assert.equal(await t.workshopServers.deleteVolumes(ended, cliActor), 2);
    assert.equal(t.spawner.volumes.volumes.size, 0);
    assert.equal(t.spawner.servers.size, 0);
    assert.deepEqual(await t.store.listOf('intro-py'), []);
    assert.equal((await t.workshopServers.statuses('intro-py')).size, 0);
  });

  it('exports every attendee\'s volume into a folder named after them', async () => {
    const t = persistentHarness();
    await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    await t.workshopServers.open(t.workshop, bob, { via: 'attendee' });
    t.spawner.volumes.volumes.get('nblaunch-default-ws-intro-py-annannannannann0')!.files.set('notes.ipynb', '{}');
    const listing = await text(await t.workshopServers.exportAll(t.workshop, [ann, bob], cliActor));
    assert.equal(listing, 'ann-lee-annannannannann0/notes.ipynb\n');
    assert.deepEqual(t.spawner.volumes.archives[0]?.map((entry) => entry.folder), ['ann-lee-annannannannann0', 'bob-ray-bobbobbobbobbob0']);
  });

  it('lets an attendee download their own files, once they have some', async () => {
    const t = persistentHarness();
    await assert.rejects(t.workshopServers.exportOwn(t.workshop, ann), { status: 404, reason: 'no-files-yet' });
    await t.workshopServers.open(t.workshop, ann, { via: 'attendee' });
    await t.workshopServers.open(t.workshop, bob, { via: 'attendee' });
    await t.workshopServers.exportOwn(t.workshop, ann);
    assert.deepEqual(t.spawner.volumes.archives, [[{ volume: 'nblaunch-default-ws-intro-py-annannannannann0', folder: 'ann-lee-annannannannann0' }]]);
  });
});

describe('serverStatus and archiveFolder', () => {
  const server = { id: 'ws-a-x', workshop: 'a', attendeeId: 'x', token: 't', image: 'i', volume: 'v', createdAt: 1 };

  it('trusts what exists: a record left "starting" without a slot is stopped', () => {
    assert.deepEqual(serverStatus({ reserved: false }), { status: 'never-started', lastActivity: null });
    assert.equal(serverStatus({ server: { ...server, state: 'starting' }, reserved: true }).status, 'starting');
    assert.equal(serverStatus({ server: { ...server, state: 'starting' }, reserved: false }).status, 'stopped');
    assert.deepEqual(serverStatus({ server: { ...server, state: 'stopped', stoppedAt: 2000 }, reserved: false }), { status: 'stopped', lastActivity: new Date(2000).toISOString() });
  });

  it('names folders readably and uniquely', () => {
    assert.equal(archiveFolder({ id: 'abc', name: 'Zoë O\'Brien / Team #1', email: 'z@example.org' }, 'abc'), 'zoe-o-brien-team-1-abc');
    assert.equal(archiveFolder({ id: 'abc', name: '', email: 'Z.Person@example.org' }, 'abc'), 'z.person-example.org-abc');
    assert.equal(archiveFolder(undefined, 'abc'), 'attendee-abc');
    assert.equal(archiveFolder({ id: 'abc', name: '...', email: '' }, 'abc'), 'attendee-abc');
  });
});

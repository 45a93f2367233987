import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { cliActor } from '../auth/actor.js';
import { hashSecret, secretPattern } from '../auth/secrets.js';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../log/testing.js';
import { AttendeeAdmin } from './attendee-admin.js';
import { parseAttendeeCsv } from './attendee-csv.js';
import { checkInvite, signedInAttendee } from './invite-check.js';
import { MemoryAttendeeStore } from './testing/memory-attendee-store.js';
import { MemoryWorkshopStore } from './testing/memory-workshop-store.js';
import { WorkshopAdmin } from './workshop-admin.js';

const list = parseAttendeeCsv('name,email,group\nAnn Lee,ann@example.org,red\nBob Ray,bob@example.org,\nCy Dee,cy@example.org,blue\n');
const during = new Date('2030-05-01T10:00:00Z');

describe('attendees and their invites', () => {
  let stores: { workshops: MemoryWorkshopStore; attendees: MemoryAttendeeStore };
  let workshops: WorkshopAdmin;
  let attendees: AttendeeAdmin;

  beforeEach(async () => {
    stores = { workshops: new MemoryWorkshopStore(), attendees: new MemoryAttendeeStore() };
    const deps = { stores, settings: loadConfig({ env: {} }), logger: silentLogger() };
    workshops = new WorkshopAdmin(deps);
    attendees = new AttendeeAdmin(deps, workshops);
    await workshops.create({ slug: 'py', title: 'Python', startsAt: '2030-05-01T09:00:00Z', endsAt: '2030-05-01T17:00:00Z' }, cliActor);
  });

  it('imports a list once: the same list again changes nothing', async () => {
    const first = await attendees.importList('py', list, cliActor);
    assert.deepEqual([first.imported, first.updated, first.unchanged, first.errors], [3, 0, 0, []]);
    assert.deepEqual(first.issued.map((invite) => invite.attendee.email), ['ann@example.org', 'bob@example.org', 'cy@example.org']);
    const again = await attendees.importList('py', list, cliActor);
    assert.deepEqual([again.imported, again.updated, again.unchanged, again.issued], [0, 0, 3, []]);
    assert.equal((await attendees.listAttendees('py')).length, 3);
  });

  it('updates the name or group of a known email, without a new invite', async () => {
    await attendees.importList('py', list, cliActor);
    const changed = await attendees.importList('py', parseAttendeeCsv('Ann B. Lee,ANN@example.org,green\nBob Ray,bob@example.org\nCy Dee,cy@example.org\n'), cliActor);
    assert.deepEqual([changed.imported, changed.updated, changed.unchanged], [0, 1, 2], 'a row without a group keeps the group');
    const [ann, , cy] = await attendees.listAttendees('py');
    assert.deepEqual([ann!.name, ann!.group, ann!.inviteVersion], ['Ann B. Lee', 'green', 1]);
    assert.equal(cy!.group, 'blue');
  });

  it('keeps the parse errors in the outcome, by line', async () => {
    const outcome = await attendees.importList('py', parseAttendeeCsv('Ann,ann@example.org\nBob,not-an-email\n'), cliActor);
    assert.equal(outcome.imported, 1);
    assert.deepEqual(outcome.errors.map((error) => error.line), [2]);
  });

  it('issues random invite secrets and stores only their hashes', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    for (const { secret } of issued) assert.match(secret, secretPattern);
    assert.equal(new Set(issued.map((invite) => invite.secret)).size, 3);
    const stored = JSON.stringify(await attendees.listAttendees('py'));
    for (const { secret } of issued) assert.ok(!stored.includes(secret));
    const match = await stores.attendees.findInvite('py', hashSecret(issued[0]!.secret));
    assert.equal(match?.attendee.email, 'ann@example.org');
    assert.equal(await stores.attendees.findInvite('py', issued[0]!.secret), null, 'the plain secret is not a key');
  });

  it('verifies an invite for its workshop only, and says plainly why one does not work', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    const ann = issued[0]!;
    assert.equal((await checkInvite(stores, 'py', ann.secret, during)).attendee.id, ann.attendee.id);
    await assert.rejects(checkInvite(stores, 'py', 'x'.repeat(43), during), { status: 404, reason: 'unknown-invite' });
    await assert.rejects(checkInvite(stores, 'py', 'short', during), { status: 404, reason: 'unknown-invite' });
    await assert.rejects(checkInvite(stores, 'nope', ann.secret, during), { status: 404, reason: 'no-such-workshop' });
    await workshops.create({ slug: 'other', title: 'Other', startsAt: '2030-05-01T09:00:00Z', endsAt: '2030-05-01T17:00:00Z' }, cliActor);
    await assert.rejects(checkInvite(stores, 'other', ann.secret, during), { status: 404, reason: 'unknown-invite' });
    await assert.rejects(checkInvite(stores, 'py', ann.secret, new Date('2030-05-01T17:00:00Z')), { status: 410, reason: 'workshop-ended' });
  });

  it('revokes: the link says so (410), and the attendee no longer counts for the switch', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    const ann = issued[0]!;
    assert.deepEqual(await workshops.status('py'), { mode: 'registered', activeAttendees: 3 });
    const revoked = await attendees.removeAttendee('py', ann.attendee.id, cliActor);
    assert.ok(revoked.revokedAt);
    await assert.rejects(checkInvite(stores, 'py', ann.secret, during), { status: 410, reason: 'invite-revoked', message: /withdrawn/ });
    assert.equal((await workshops.status('py')).activeAttendees, 2);
    await assert.rejects(attendees.removeAttendee('py', 'no-such-id', cliActor), { status: 404, reason: 'no-such-attendee' });
  });

  it('re-issues: the old link is refused as replaced, the new one works, and a revocation is lifted', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    const ann = issued[0]!;
    await attendees.removeAttendee('py', ann.attendee.id, cliActor);
    const fresh = await attendees.reissue('py', ann.attendee.id, cliActor);
    assert.notEqual(fresh.secret, ann.secret);
    assert.equal(fresh.attendee.inviteVersion, 2);
    assert.equal(fresh.attendee.revokedAt, undefined);
    await assert.rejects(checkInvite(stores, 'py', ann.secret, during), { status: 410, reason: 'invite-revoked', message: /replaced by a newer one/ });
    assert.equal((await checkInvite(stores, 'py', fresh.secret, during)).attendee.id, ann.attendee.id);
    assert.equal((await workshops.status('py')).activeAttendees, 3);
  });

  it('refuses to bring a removed attendee back through an import: re-issue does that', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    await attendees.removeAttendee('py', issued[1]!.attendee.id, cliActor);
    const again = await attendees.importList('py', list, cliActor);
    assert.deepEqual([again.imported, again.unchanged], [0, 2]);
    assert.deepEqual(again.errors.map((error) => [error.line, error.reason]), [[3, 'was removed from this workshop: re-issue their link to let them back in']]);
  });

  it('re-issues every active attendee\'s link at once, for the links CSV', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    await attendees.removeAttendee('py', issued[2]!.attendee.id, cliActor);
    const all = await attendees.reissueAll('py', cliActor);
    assert.deepEqual(all.map((invite) => invite.attendee.email), ['ann@example.org', 'bob@example.org']);
    for (const [index, invite] of all.entries()) {
      await assert.rejects(checkInvite(stores, 'py', issued[index]!.secret, during), { reason: 'invite-revoked' });
      assert.ok(await checkInvite(stores, 'py', invite.secret, during));
    }
  });

  it('holds a browser session only while the attendee and the invite it came from stay current', async () => {
    const { issued } = await attendees.importList('py', list, cliActor);
    const ann = issued[0]!.attendee;
    const session = { kind: 'attendee' as const, workshop: 'py', attendeeId: ann.id, inviteVersion: 1, csrfToken: 'c', createdAt: '' };
    assert.equal((await signedInAttendee(stores, session, 'py'))?.id, ann.id);
    assert.equal(await signedInAttendee(stores, session, 'other'), null, 'one workshop\'s session is not another\'s');
    assert.equal(await signedInAttendee(stores, null, 'py'), null);
    await attendees.reissue('py', ann.id, cliActor);
    assert.equal(await signedInAttendee(stores, session, 'py'), null, 'a re-issued invite signs the old session out');
    assert.ok(await signedInAttendee(stores, { ...session, inviteVersion: 2 }, 'py'));
    await attendees.removeAttendee('py', ann.id, cliActor);
    assert.equal(await signedInAttendee(stores, { ...session, inviteVersion: 2 }, 'py'), null);
  });

  it('refuses imports into an ended workshop, and forgets attendees with a deleted one', async () => {
    await attendees.importList('py', list, cliActor);
    await workshops.end('py', cliActor);
    await assert.rejects(attendees.importList('py', list, cliActor), { status: 409, reason: 'workshop-ended' });
    await workshops.remove('py', cliActor);
    await assert.rejects(attendees.listAttendees('py'), { status: 404 });
    assert.deepEqual(await stores.attendees.list('py'), []);
  });
});

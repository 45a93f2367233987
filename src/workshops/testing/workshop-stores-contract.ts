import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Attendee } from '../attendee.js';
import type { Workshop } from '../workshop.js';
import type { WorkshopStores } from '../workshop-stores.js';

export interface StoresUnderTest {
  stores: WorkshopStores;
  close(): Promise<void>;
}

const workshop = (slug: string, createdAt = '2030-01-01T00:00:00.000Z'): Workshop => ({
  slug, title: `Workshop ${slug}`, startsAt: '2030-05-01T09:00:00.000Z', endsAt: '2030-05-01T17:00:00.000Z',
  limits: { memoryMb: 1024, cpus: 1 }, createdAt,
  repo: { url: 'https://github.com/o/r', ref: 'main', file: 'a/b.ipynb', provider: 'gh', spec: 'o/r/main' },
});

const attendee = (id: string, email: string, extra: Partial<Attendee> = {}): Attendee => ({
  id, workshop: 'ws', name: `Name ${id}`, email, createdAt: `2030-01-01T00:00:0${id.length % 10}.000Z`, inviteVersion: 1, inviteIssuedAt: '2030-01-01T00:00:00.000Z', ...extra,
});

/** One behaviour for the Redis stores and their in-memory doubles. */
export function describeWorkshopStoresContract(name: string, open: () => Promise<StoresUnderTest>): void {
  describe(`${name}: the workshop stores contract`, () => {
    let subject: StoresUnderTest;
    let stores: WorkshopStores;
    beforeEach(async () => { subject = await open(); stores = subject.stores; });
    afterEach(() => subject.close());

    it('workshops: a slug is created once, listed oldest first, saved only when it exists, removed', async () => {
      assert.equal(await stores.workshops.create(workshop('b', '2030-01-02T00:00:00.000Z')), true);
      assert.equal(await stores.workshops.create(workshop('a', '2030-01-01T00:00:00.000Z')), true);
      assert.equal(await stores.workshops.create({ ...workshop('a'), title: 'again' }), false);
      assert.deepEqual(await stores.workshops.get('a'), workshop('a'));
      assert.deepEqual((await stores.workshops.list()).map((found) => found.slug), ['a', 'b']);
      assert.equal(await stores.workshops.save({ ...workshop('a'), endedAt: '2030-05-01T12:00:00.000Z' }), true);
      assert.equal((await stores.workshops.get('a'))?.endedAt, '2030-05-01T12:00:00.000Z');
      assert.equal(await stores.workshops.save(workshop('zzz')), false);
      assert.equal(await stores.workshops.get('zzz'), null);
      assert.equal(await stores.workshops.remove('a'), true);
      assert.equal(await stores.workshops.remove('a'), false);
      assert.deepEqual((await stores.workshops.list()).map((found) => found.slug), ['b']);
    });

    it('attendees: the email is the identity; the existing record comes back', async () => {
      assert.deepEqual(await stores.attendees.add(attendee('a1', 'ann@example.org', { group: 'red' }), 'hash-a1'), { added: true });
      const again = await stores.attendees.add(attendee('a2', 'ann@example.org'), 'hash-a2');
      assert.deepEqual(again, { added: false, existing: attendee('a1', 'ann@example.org', { group: 'red' }) });
      assert.equal(await stores.attendees.findInvite('ws', 'hash-a2'), null, 'a refused add leaves no invite');
      assert.deepEqual(await stores.attendees.get('ws', 'a1'), attendee('a1', 'ann@example.org', { group: 'red' }));
      assert.equal(await stores.attendees.get('other', 'a1'), null);
      assert.deepEqual(await stores.attendees.findByEmail('ws', 'ann@example.org'), attendee('a1', 'ann@example.org', { group: 'red' }));
      assert.equal(await stores.attendees.findByEmail('ws', 'bob@example.org'), null);
      assert.equal(await stores.attendees.findByEmail('other', 'ann@example.org'), null);
    });

    it('attendees: listed oldest first, counted while not revoked', async () => {
      await stores.attendees.add(attendee('bb', 'bob@example.org'), 'h1');
      await stores.attendees.add(attendee('a', 'ann@example.org'), 'h2');
      assert.deepEqual((await stores.attendees.list('ws')).map((found) => found.id), ['a', 'bb']);
      assert.equal(await stores.attendees.countActive('ws'), 2);
      assert.equal(await stores.attendees.countActive('other'), 0);
    });

    it('attendees: details change; revocation keeps its first time; a new invite lifts it and replaces the old', async () => {
      await stores.attendees.add(attendee('a1', 'ann@example.org', { group: 'red' }), 'old');
      assert.deepEqual(await stores.attendees.findInvite('ws', 'old'), { attendee: attendee('a1', 'ann@example.org', { group: 'red' }), current: true });
      assert.deepEqual(await stores.attendees.findInvite('other', 'old'), null);
      const renamed = await stores.attendees.setDetails('ws', 'a1', { name: 'Ann Lee' });
      assert.deepEqual([renamed?.name, renamed?.group], ['Ann Lee', 'red']);
      assert.equal((await stores.attendees.setDetails('ws', 'a1', { name: 'Ann Lee', group: 'blue' }))?.group, 'blue');

      assert.equal((await stores.attendees.revoke('ws', 'a1', '2030-05-01T10:00:00.000Z'))?.revokedAt, '2030-05-01T10:00:00.000Z');
      assert.equal((await stores.attendees.revoke('ws', 'a1', '2030-05-01T11:00:00.000Z'))?.revokedAt, '2030-05-01T10:00:00.000Z');
      assert.equal(await stores.attendees.countActive('ws'), 0);
      assert.equal((await stores.attendees.findInvite('ws', 'old'))?.attendee.revokedAt, '2030-05-01T10:00:00.000Z');

      const replaced = await stores.attendees.replaceInvite('ws', 'a1', 'new', '2030-05-01T12:00:00.000Z');
      assert.deepEqual([replaced?.inviteVersion, replaced?.inviteIssuedAt, replaced?.revokedAt], [2, '2030-05-01T12:00:00.000Z', undefined]);
      assert.equal(await stores.attendees.countActive('ws'), 1);
      assert.equal((await stores.attendees.findInvite('ws', 'old'))?.current, false);
      assert.equal((await stores.attendees.findInvite('ws', 'new'))?.current, true);
      assert.equal(typeof (await stores.attendees.get('ws', 'a1'))?.inviteVersion, 'number');

      assert.equal(await stores.attendees.revoke('ws', 'nobody', 'x'), null);
      assert.equal(await stores.attendees.replaceInvite('ws', 'nobody', 'h', 'x'), null);
      assert.equal(await stores.attendees.setDetails('ws', 'nobody', { name: 'x' }), null);
    });

    it('attendees: a seat is claimed once, by one of many claims at once; a new invite releases it', async () => {
      await stores.attendees.add(attendee('a1', 'ann@example.org'), 'h');
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, index) => stores.attendees.claim('ws', 'a1', `2030-05-01T10:00:0${index}.000Z`)));
      assert.deepEqual(outcomes.filter((outcome) => outcome === 'claimed').length, 1, 'exactly one claim wins');
      assert.deepEqual(outcomes.filter((outcome) => outcome === 'taken').length, 7);
      const winner = outcomes.indexOf('claimed');
      assert.equal((await stores.attendees.get('ws', 'a1'))?.claimedAt, `2030-05-01T10:00:0${winner}.000Z`);
      assert.equal(await stores.attendees.claim('ws', 'a1', '2030-05-01T11:00:00.000Z'), 'taken');
      assert.equal(await stores.attendees.claim('ws', 'nobody', 'x'), 'missing');

      await stores.attendees.replaceInvite('ws', 'a1', 'h2', '2030-05-01T12:00:00.000Z');
      assert.equal((await stores.attendees.get('ws', 'a1'))?.claimedAt, undefined, 're-issuing releases the seat');
      assert.equal(await stores.attendees.claim('ws', 'a1', '2030-05-01T13:00:00.000Z'), 'claimed');
      assert.equal((await stores.attendees.findInvite('ws', 'h2'))?.attendee.claimedAt, '2030-05-01T13:00:00.000Z');
    });

    it('attendees: forgotten with their workshop', async () => {
      await stores.attendees.add(attendee('a1', 'ann@example.org'), 'h');
      await stores.attendees.removeWorkshop('ws');
      assert.deepEqual(await stores.attendees.list('ws'), []);
      assert.equal(await stores.attendees.findInvite('ws', 'h'), null);
      assert.equal(await stores.attendees.findByEmail('ws', 'ann@example.org'), null);
      assert.deepEqual(await stores.attendees.add(attendee('a2', 'ann@example.org'), 'h2'), { added: true });
    });

    it('organizer tokens: one per hash, the first only when none exists, found by hash, removed', async () => {
      const record = { id: 't1', label: 'alice', createdAt: '2030-01-01T00:00:00.000Z', tokenHash: 'h1' };
      assert.equal(await stores.organizerTokens.add(record, { onlyIfNone: true }), 'added');
      assert.equal(await stores.organizerTokens.add({ ...record, id: 't2' }), 'exists');
      assert.equal(await stores.organizerTokens.add({ ...record, id: 't3', tokenHash: 'h3' }, { onlyIfNone: true }), 'not-first');
      assert.equal(await stores.organizerTokens.add({ ...record, id: 't4', tokenHash: 'h4', createdAt: '2030-01-02T00:00:00.000Z' }), 'added');
      assert.deepEqual(await stores.organizerTokens.findByHash('h1'), record);
      assert.deepEqual(await stores.organizerTokens.get('t1'), record);
      assert.deepEqual((await stores.organizerTokens.list()).map((token) => token.id), ['t1', 't4']);
      assert.equal(await stores.organizerTokens.remove('t1'), true);
      assert.equal(await stores.organizerTokens.remove('t1'), false);
      assert.equal(await stores.organizerTokens.findByHash('h1'), null);
    });

    it('sign-in sessions: kept until their time is up, removable', async () => {
      const session = { kind: 'organizer' as const, tokenId: 't1', label: 'alice', csrfToken: 'c', createdAt: '2030-01-01T00:00:00.000Z' };
      await stores.signInSessions.save('s1', session, 60_000);
      await stores.signInSessions.save('s2', session, 30);
      assert.deepEqual(await stores.signInSessions.get('s1'), session);
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(await stores.signInSessions.get('s2'), null);
      await stores.signInSessions.remove('s1');
      assert.equal(await stores.signInSessions.get('s1'), null);
    });
  });
}

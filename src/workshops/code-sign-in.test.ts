import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Attendee } from './attendee.js';
import { claimSeatWithCode, claimSeatWithInvite } from './code-sign-in.js';
import { memoryWorkshopStores } from './testing/memory-workshop-stores.js';
import type { Workshop } from './workshop.js';

const workshop: Workshop = {
  slug: 'ws', title: 'W', startsAt: '2030-05-01T09:00:00.000Z', endsAt: '2099-05-01T17:00:00.000Z', limits: { memoryMb: 512, cpus: 1 }, createdAt: '2030-01-01T00:00:00.000Z', accessCode: 'K7PQ-4XMD',
};
const ann: Attendee = { id: 'a1', workshop: 'ws', name: 'Ann', email: 'ann@example.org', createdAt: '2030-01-01T00:00:00.000Z', inviteVersion: 1, inviteIssuedAt: '2030-01-01T00:00:00.000Z' };
const at = new Date('2030-05-01T10:00:00.000Z');

describe('signing in with the room\'s code claims a seat', () => {
  let stores: ReturnType<typeof memoryWorkshopStores>;
  beforeEach(async () => {
    stores = memoryWorkshopStores();
    await stores.attendees.add(ann, 'h1');
  });

  it('the first sign-in takes the seat and records when', async () => {
    const signedIn = await claimSeatWithCode(stores, workshop, 'k7pq 4xmd', ' Ann@Example.org ', at);
    assert.equal(signedIn.id, 'a1');
    assert.equal((await stores.attendees.get('ws', 'a1'))?.claimedAt, at.toISOString());
  });

  it('refuses every later sign-in by code, telling them to use their link or ask for a new one', async () => {
    await claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at);
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', new Date('2030-05-01T10:05:00.000Z')), (error: Error & { status: number; reason: string }) => {
      assert.equal(error.status, 409);
      assert.equal(error.reason, 'seat-claimed');
      assert.match(error.message, /personal link.*re-issue your link/);
      return true;
    });
    assert.equal((await stores.attendees.get('ws', 'a1'))?.claimedAt, at.toISOString(), 'the first claim stands');
  });

  it('of two claims at once, exactly one wins', async () => {
    const results = await Promise.allSettled([1, 2].map(() => claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at)));
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
  });

  it('a seat taken through the personal link is not open to the code', async () => {
    await claimSeatWithInvite(stores, ann, at);
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at), { reason: 'seat-claimed' });
  });

  it('re-issuing the attendee\'s link releases the seat', async () => {
    await claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at);
    await stores.attendees.replaceInvite('ws', 'a1', 'h2', at.toISOString());
    assert.equal((await claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at)).id, 'a1');
  });

  it('claims nothing for a wrong code, an unknown email, a removed attendee, or a workshop without a code', async () => {
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XME', 'ann@example.org', at), { reason: 'wrong-code' });
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'zed@example.org', at), { reason: 'not-registered' });
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'not an email', at), { reason: 'bad-email' });
    const { accessCode: _code, ...withoutCode } = workshop;
    await assert.rejects(claimSeatWithCode(stores, withoutCode, 'K7PQ-4XMD', 'ann@example.org', at), { reason: 'code-sign-in-off' });
    await stores.attendees.revoke('ws', 'a1', at.toISOString());
    await assert.rejects(claimSeatWithCode(stores, workshop, 'K7PQ-4XMD', 'ann@example.org', at), { reason: 'attendee-removed' });
    assert.equal((await stores.attendees.get('ws', 'a1'))?.claimedAt, undefined);
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { Attendee } from '../workshops/attendee.js';
import { memoryWorkshopStores } from '../workshops/testing/memory-workshop-stores.js';
import { attendeeCookie, organizerCookie } from './cookies.js';
import { hashSecret, newSecret } from './secrets.js';
import { decideServerAccess, ServerAccess } from './server-access.js';

const owner = { workshop: 'py', attendeeId: 'ann0000000000000' };

describe('decideServerAccess', () => {
  it('lets the owner and organizers in, refuses other attendees, asks everyone else to sign in', () => {
    assert.equal(decideServerAccess(owner, { attendeeId: 'ann0000000000000', organizer: false }), 'owner');
    assert.equal(decideServerAccess(owner, { attendeeId: null, organizer: true }), 'organizer');
    assert.equal(decideServerAccess(owner, { attendeeId: 'bob0000000000000', organizer: true }), 'organizer');
    assert.equal(decideServerAccess(owner, { attendeeId: 'bob0000000000000', organizer: false }), 'forbidden');
    assert.equal(decideServerAccess(owner, { attendeeId: null, organizer: false }), 'sign-in');
  });
});

describe('ServerAccess', () => {
  const attendee = (id: string, workshop = 'py'): Attendee => ({ id, workshop, name: id, email: `${id}@example.org`, createdAt: '', inviteVersion: 1, inviteIssuedAt: '' });

  async function setup() {
    const stores = memoryWorkshopStores();
    for (const someone of [attendee('ann0000000000000'), attendee('bob0000000000000'), attendee('ann0000000000000', 'other')]) await stores.attendees.add(someone, hashSecret(newSecret()));
    const organizerToken = newSecret();
    await stores.organizerTokens.add({ id: 'o1', label: 'alice', createdAt: '', tokenHash: hashSecret(organizerToken) });
    const signIn = async (cookieName: string, session: Record<string, unknown>) => {
      const id = newSecret();
      await stores.signInSessions.save(hashSecret(id), { csrfToken: 'c', createdAt: '', ...session } as never, 60_000);
      return `${cookieName}=${id}`;
    };
    const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    return { stores, access: new ServerAccess(stores), organizerToken, signIn, request };
  }

  it('knows the owner by their workshop cookie, and another attendee by theirs', async () => {
    const t = await setup();
    const ann = await t.signIn(attendeeCookie('py'), { kind: 'attendee', workshop: 'py', attendeeId: 'ann0000000000000', inviteVersion: 1 });
    const bob = await t.signIn(attendeeCookie('py'), { kind: 'attendee', workshop: 'py', attendeeId: 'bob0000000000000', inviteVersion: 1 });
    assert.equal(await t.access.admit(t.request({ cookie: `_xsrf=1; ${ann}` }), owner), 'owner');
    assert.equal(await t.access.admit(t.request({ cookie: bob, authorization: 'token the-owners-jupyter-token' }), owner), 'forbidden');
  });

  it('asks visitors without a current sign-in to this workshop to sign in, Jupyter token or not', async () => {
    const t = await setup();
    const elsewhere = await t.signIn(attendeeCookie('other'), { kind: 'attendee', workshop: 'other', attendeeId: 'ann0000000000000', inviteVersion: 1 });
    const replaced = await t.signIn(attendeeCookie('py'), { kind: 'attendee', workshop: 'py', attendeeId: 'ann0000000000000', inviteVersion: 0 });
    assert.equal(await t.access.admit(t.request({}), owner), 'sign-in');
    assert.equal(await t.access.admit(t.request({ authorization: 'token abc' }), owner), 'sign-in');
    assert.equal(await t.access.admit(t.request({ cookie: elsewhere }), owner), 'sign-in', 'a sign-in to another workshop does not count');
    assert.equal(await t.access.admit(t.request({ cookie: replaced }), owner), 'sign-in', 'a session from a replaced link does not count');
  });

  it('lets organizers in by bearer token (which then does not reach the server) or by their session', async () => {
    const t = await setup();
    const byBearer = t.request({ authorization: `Bearer ${t.organizerToken}` });
    assert.equal(await t.access.admit(byBearer, owner), 'organizer');
    assert.equal(byBearer.headers.authorization, undefined);
    const session = await t.signIn(organizerCookie, { kind: 'organizer', tokenId: 'o1', label: 'alice' });
    const byCookie = t.request({ cookie: session, authorization: 'token jupyter' });
    assert.equal(await t.access.admit(byCookie, owner), 'organizer');
    assert.equal(byCookie.headers.authorization, 'token jupyter', 'a Jupyter token stays');
    await assert.rejects(t.access.admit(t.request({ authorization: 'Bearer wrong' }), owner), { status: 401, reason: 'bad-token' });
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { Attendee } from '../workshops/attendee.js';
import { memoryWorkshopStores } from '../workshops/testing/memory-workshop-stores.js';
import { attendeeCookie, organizerCookie } from './cookies.js';
import { hashSecret, newSecret } from './secrets.js';
import { decideServerAccess, ServerAccess } from './server-access.js';
import { issueHandoff, redeemHandoff, serverGrantCookie, sessionHolder } from './server-handoff.js';
import type { GrantHolder } from './server-handoff-store.js';
import { MemoryServerHandoffStore } from './testing/memory-server-handoff-store.js';

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

  describe('on the server origin', () => {
    async function serverOrigin() {
      const t = await setup();
      const grants = new MemoryServerHandoffStore();
      const access = new ServerAccess(t.stores, grants);
      /** The server-origin cookie a redeemed hand-off for `server` leaves with `holder`. */
      const granted = async (holder: GrantHolder, server = owner) => {
        const id = `ws-${server.workshop}-${server.attendeeId}`;
        const { grantId } = await redeemHandoff(grants, id, await issueHandoff(grants, { serverId: id, grant: { server, holder }, page: 'tree' }), 60_000);
        return `${serverGrantCookie}=${grantId}`;
      };
      const attendeeSignIn = async (attendeeId: string) => t.signIn(attendeeCookie('py'), { kind: 'attendee', workshop: 'py', attendeeId, inviteVersion: 1 });
      const holderOf = (cookie: string): GrantHolder => sessionHolder(cookie, cookie.split('=')[0]!)!;
      const signOut = (cookie: string) => t.stores.signInSessions.remove(hashSecret(cookie.split('=')[1]!));
      return { ...t, access, granted, attendeeSignIn, holderOf, signOut };
    }

    it('lets the owner in by the grant of their hand-off, and ignores the launcher\'s own cookies', async () => {
      const t = await serverOrigin();
      const ann = await t.attendeeSignIn('ann0000000000000');
      assert.equal(await t.access.admit(t.request({ cookie: `_xsrf=1; ${await t.granted(t.holderOf(ann))}` }), owner), 'owner');
      assert.equal(await t.access.admit(t.request({ cookie: ann }), owner), 'sign-in', 'an attendee cookie of the launcher\'s origin does not count here');
      const organizer = await t.signIn(organizerCookie, { kind: 'organizer', tokenId: 'o1', label: 'alice' });
      assert.equal(await t.access.admit(t.request({ cookie: organizer }), owner), 'sign-in', 'nor does an organizer\'s');
    });

    it('refuses another attendee by their own grant (403), and ends a grant with its holder\'s sign-in', async () => {
      const t = await serverOrigin();
      const bob = await t.attendeeSignIn('bob0000000000000');
      const bobsGrant = await t.granted(t.holderOf(bob), { workshop: 'py', attendeeId: 'bob0000000000000' });
      assert.equal(await t.access.admit(t.request({ cookie: bobsGrant }), owner), 'forbidden');
      const ann = await t.attendeeSignIn('ann0000000000000');
      const annsGrant = await t.granted(t.holderOf(ann));
      await t.signOut(ann);
      assert.equal(await t.access.admit(t.request({ cookie: annsGrant }), owner), 'sign-in', 'signed out on the launcher\'s origin');
    });

    it('lets an organizer into exactly the server their grant names, while their token holds', async () => {
      const t = await serverOrigin();
      const session = await t.signIn(organizerCookie, { kind: 'organizer', tokenId: 'o1', label: 'alice' });
      const bySession = await t.granted(t.holderOf(session));
      const byToken = await t.granted({ kind: 'organizer-token', tokenId: 'o1' });
      assert.equal(await t.access.admit(t.request({ cookie: bySession }), owner), 'organizer');
      assert.equal(await t.access.admit(t.request({ cookie: byToken }), owner), 'organizer');
      const elsewhere = await t.granted({ kind: 'organizer-token', tokenId: 'o1' }, { workshop: 'py', attendeeId: 'bob0000000000000' });
      assert.equal(await t.access.admit(t.request({ cookie: elsewhere }), owner), 'sign-in', 'a grant for another server');
      await t.stores.organizerTokens.remove('o1');
      assert.equal(await t.access.admit(t.request({ cookie: byToken }), owner), 'sign-in', 'a revoked token ends its grants');
      assert.equal(await t.access.admit(t.request({ cookie: bySession }), owner), 'sign-in');
    });

    it('still lets organizers in by bearer token, which does not reach the server', async () => {
      const t = await serverOrigin();
      const byBearer = t.request({ authorization: `Bearer ${t.organizerToken}` });
      assert.equal(await t.access.admit(byBearer, owner), 'organizer');
      assert.equal(byBearer.headers.authorization, undefined);
      await assert.rejects(t.access.admit(t.request({ authorization: 'Bearer wrong' }), owner), { status: 401, reason: 'bad-token' });
    });
  });
});

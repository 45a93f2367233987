import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attendeeCookie } from './cookies.js';
import { hashSecret, newSecret } from './secrets.js';
import { grantFromCookie, handoffTtlMs, issueHandoff, redeemHandoff, serverGrantCookie, sessionHolder } from './server-handoff.js';
import type { Handoff } from './server-handoff-store.js';
import { MemoryServerHandoffStore } from './testing/memory-server-handoff-store.js';
import { describeHandoffStoreContract } from './testing/server-handoff-store-contract.js';

describeHandoffStoreContract('the in-memory double', async () => ({ store: new MemoryServerHandoffStore(), close: async () => undefined }));

const id = 'ws-py-0123456789abcdef';
const handoff: Handoff = { serverId: id, grant: { server: { workshop: 'py', attendeeId: '0123456789abcdef' }, holder: { kind: 'organizer-token', tokenId: 'o1' } }, page: 'tree?token=t' };

describe('server hand-offs', () => {
  it('store only the hash of a code, for a minute', async () => {
    const clock = { now: 1_000 };
    const store = new MemoryServerHandoffStore(() => clock.now);
    const code = await issueHandoff(store, handoff);
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([...store.codes.keys()], [hashSecret(code)]);
    clock.now += handoffTtlMs;
    await assert.rejects(redeemHandoff(store, id, code, 3600_000), { status: 410, reason: 'handoff-expired' });
  });

  it('turn a code into a grant once; a replay, an unknown or malformed code answers 410', async () => {
    const store = new MemoryServerHandoffStore();
    const code = await issueHandoff(store, handoff);
    const redeemed = await redeemHandoff(store, id, code, 3600_000);
    assert.deepEqual(redeemed.handoff, handoff);
    assert.deepEqual(await grantFromCookie(store, `_xsrf=1; ${serverGrantCookie}=${redeemed.grantId}`), handoff.grant);
    for (const again of [code, newSecret(), 'short', undefined]) {
      await assert.rejects(redeemHandoff(store, id, again, 3600_000), { status: 410, reason: 'handoff-expired' });
    }
  });

  it('refuse another server\'s code with 403, and it is spent', async () => {
    const store = new MemoryServerHandoffStore();
    const code = await issueHandoff(store, handoff);
    await assert.rejects(redeemHandoff(store, 'ws-py-fedcba9876543210', code, 3600_000), { status: 403, reason: 'handoff-wrong-server' });
    await assert.rejects(redeemHandoff(store, id, code, 3600_000), { status: 410 });
    assert.equal(store.grants.size, 0);
  });

  it('find no grant without a well-formed cookie, or with a grant that expired', async () => {
    const clock = { now: 0 };
    const store = new MemoryServerHandoffStore(() => clock.now);
    const { grantId } = await redeemHandoff(store, id, await issueHandoff(store, handoff), 1000);
    assert.equal(await grantFromCookie(store, undefined), null);
    assert.equal(await grantFromCookie(store, `${serverGrantCookie}=not-a-secret`), null);
    assert.equal(await grantFromCookie(store, `${serverGrantCookie}=${newSecret()}`), null);
    clock.now = 1000;
    assert.equal(await grantFromCookie(store, `${serverGrantCookie}=${grantId}`), null);
  });

  it('name a browser sign-in by the hash of its cookie', () => {
    const secret = newSecret();
    assert.deepEqual(sessionHolder(`${attendeeCookie('py')}=${secret}`, attendeeCookie('py')), { kind: 'session', sessionHash: hashSecret(secret) });
    assert.equal(sessionHolder(`${attendeeCookie('py')}=x`, attendeeCookie('py')), null);
    assert.equal(sessionHolder(undefined, attendeeCookie('py')), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../log/testing.js';
import { ensureFirstOrganizerToken } from './first-organizer-token.js';
import { createOrganizerToken, listOrganizerTokens, revokeOrganizerToken, verifyOrganizerToken } from './organizer-tokens.js';
import { hashSecret } from './secrets.js';
import { MemoryOrganizerTokenStore } from './testing/memory-organizer-token-store.js';

describe('organizer tokens', () => {
  it('are created with a label, shown once, and stored only as a hash', async () => {
    const store = new MemoryOrganizerTokenStore();
    const created = await createOrganizerToken(store, '  alice  ', new Date('2030-01-01T00:00:00Z'));
    assert.match(created.token, /^nbo_[A-Za-z0-9_-]{43}$/, 'prefixed, so the proxy knows it at a glance');
    assert.equal(created.label, 'alice');
    assert.equal(created.createdAt, '2030-01-01T00:00:00.000Z');
    const [stored] = [...store.records.values()];
    assert.equal(stored!.tokenHash, hashSecret(created.token));
    assert.ok(!JSON.stringify(stored).includes(created.token), 'the plain token is not stored');
  });

  it('verify a current token, and nothing else', async () => {
    const store = new MemoryOrganizerTokenStore();
    const created = await createOrganizerToken(store, 'alice');
    assert.deepEqual(await verifyOrganizerToken(store, created.token), { id: created.id, label: 'alice', createdAt: created.createdAt });
    assert.equal(await verifyOrganizerToken(store, `${created.token}x`), null);
    assert.equal(await verifyOrganizerToken(store, ''), null);
  });

  it('are listed with labels and dates only', async () => {
    const store = new MemoryOrganizerTokenStore();
    await createOrganizerToken(store, 'alice', new Date('2030-01-01T00:00:00Z'));
    await createOrganizerToken(store, 'ci', new Date('2030-01-02T00:00:00Z'));
    const listed = await listOrganizerTokens(store);
    assert.deepEqual(listed.map((token) => token.label), ['alice', 'ci']);
    assert.deepEqual(Object.keys(listed[0]!).sort(), ['createdAt', 'id', 'label']);
  });

  it('refuse a label that is empty, too long or only control characters', async () => {
    const store = new MemoryOrganizerTokenStore();
    for (const label of ['', '   ', '\n\t', 'x'.repeat(101)]) {
      await assert.rejects(createOrganizerToken(store, label), { status: 400, reason: 'bad-label' });
    }
  });

  it('once revoked, no longer verify; the last one cannot be revoked', async () => {
    const store = new MemoryOrganizerTokenStore();
    const alice = await createOrganizerToken(store, 'alice');
    const ci = await createOrganizerToken(store, 'ci');
    assert.equal((await revokeOrganizerToken(store, ci.id)).label, 'ci');
    assert.equal(await verifyOrganizerToken(store, ci.token), null);
    await assert.rejects(revokeOrganizerToken(store, ci.id), { status: 404, reason: 'no-such-token' });
    await assert.rejects(revokeOrganizerToken(store, alice.id), { status: 409, reason: 'last-token' });
    assert.ok(await verifyOrganizerToken(store, alice.token));
  });
});

describe('ensureFirstOrganizerToken', () => {
  const signInUrl = 'http://nb.example.org/organizer/sign-in';

  it('creates and prints a token on the very first start, then never again', async () => {
    const store = new MemoryOrganizerTokenStore();
    const printed: string[] = [];
    const options = { configuredToken: '', signInUrl, logger: silentLogger(), print: (text: string) => printed.push(text) };
    assert.equal(await ensureFirstOrganizerToken(store, options), 'created');
    assert.equal(printed.length, 1);
    const token = /^ {4}(\S+)$/m.exec(printed[0]!)?.[1];
    assert.match(token ?? '', /^nbo_[A-Za-z0-9_-]{43}$/);
    assert.match(printed[0]!, /Sign in as an organizer at http:\/\/nb\.example\.org\/organizer\/sign-in/);
    assert.match(printed[0]!, /Authorization: Bearer/);
    assert.equal((await verifyOrganizerToken(store, token!))?.label, 'first organizer');

    assert.equal(await ensureFirstOrganizerToken(store, options), 'present');
    assert.equal(printed.length, 1);
  });

  it('stores a configured token (hashed) once, and prints nothing', async () => {
    const store = new MemoryOrganizerTokenStore();
    const printed: string[] = [];
    const configuredToken = 'deploy-token-0123456789-abcdef';
    const options = { configuredToken, signInUrl, logger: silentLogger(), print: (text: string) => printed.push(text) };
    assert.equal(await ensureFirstOrganizerToken(store, options), 'configured-added');
    assert.equal(await ensureFirstOrganizerToken(store, options), 'configured-present');
    assert.equal(store.records.size, 1);
    assert.deepEqual(printed, []);
    assert.ok(await verifyOrganizerToken(store, configuredToken));
    assert.ok(!JSON.stringify([...store.records.values()]).includes(configuredToken));
  });

  it('adds a configured token next to tokens made before', async () => {
    const store = new MemoryOrganizerTokenStore();
    await createOrganizerToken(store, 'alice');
    const outcome = await ensureFirstOrganizerToken(store, { configuredToken: 'deploy-token-0123456789-abcdef', signInUrl, logger: silentLogger(), print: () => assert.fail('nothing to print') });
    assert.equal(outcome, 'configured-added');
    assert.equal(store.records.size, 2);
  });
});

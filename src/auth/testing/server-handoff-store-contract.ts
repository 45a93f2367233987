import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Handoff, ServerGrant, ServerHandoffStore } from '../server-handoff-store.js';

export interface HandoffStoreUnderTest {
  store: ServerHandoffStore;
  close(): Promise<void>;
}

const grant: ServerGrant = { server: { workshop: 'py', attendeeId: '0123456789abcdef' }, holder: { kind: 'session', sessionHash: 'a'.repeat(64) } };
const handoff: Handoff = { serverId: 'ws-py-0123456789abcdef', grant, page: 'tree?token=abc' };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One behaviour for the Redis store and its in-memory double. */
export function describeHandoffStoreContract(name: string, open: () => Promise<HandoffStoreUnderTest>): void {
  describe(`${name}: the server hand-off store contract`, () => {
    let subject: HandoffStoreUnderTest;
    beforeEach(async () => { subject = await open(); });
    afterEach(() => subject.close());

    it('gives a code\'s record back once', async () => {
      await subject.store.saveCode('c1', handoff, 60_000);
      assert.deepEqual(await subject.store.takeCode('c1'), handoff);
      assert.equal(await subject.store.takeCode('c1'), null);
      assert.equal(await subject.store.takeCode('never'), null);
    });

    it('gives a code to only one of two takers at the same time', async () => {
      await subject.store.saveCode('c2', handoff, 60_000);
      const taken = await Promise.all([subject.store.takeCode('c2'), subject.store.takeCode('c2')]);
      assert.equal(taken.filter(Boolean).length, 1);
    });

    it('forgets codes and grants past their time to live', async () => {
      await subject.store.saveCode('c3', handoff, 30);
      await subject.store.saveGrant('g1', grant, 30);
      await subject.store.saveGrant('g2', grant, 60_000);
      await pause(120);
      assert.equal(await subject.store.takeCode('c3'), null);
      assert.equal(await subject.store.getGrant('g1'), null);
      assert.deepEqual(await subject.store.getGrant('g2'), grant);
      assert.deepEqual(await subject.store.getGrant('g2'), grant, 'a grant is read as often as needed');
    });
  });
}

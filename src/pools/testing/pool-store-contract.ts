import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionStore } from '../../sessions/session-store.js';
import type { PoolStore, PooledServer } from '../pool-store.js';

export interface PoolStores {
  pools: PoolStore;
  /** A second handle on the same data (another Redis connection, as another launcher process has). */
  otherPools: PoolStore;
  sessions: SessionStore;
  close(): Promise<void>;
}

const limits = { maxServers: 10, maxServersPerIp: 2 };
const image = 'nblaunch/test:1';

function server(id: string, pooledAt: number, overrides: Partial<PooledServer> = {}): PooledServer {
  return { id, pool: 'default', image, token: `token-${id}`, containerId: `c-${id}`, host: '127.0.0.1', port: 20000 + pooledAt, pooledAt, ...overrides };
}

async function fill(stores: PoolStores, count: number, options: { pool?: string; image?: string; size?: number } = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `${options.pool ?? 'default'}${i}`.replace(/[^a-z0-9]/g, '');
    assert.equal(await stores.pools.reserve(id, options.pool ?? 'default', options.image ?? image, options.size ?? count, limits), 'ok');
    assert.equal(await stores.pools.add(server(id, i + 1, { pool: options.pool ?? 'default', image: options.image ?? image })), true);
    ids.push(id);
  }
  return ids;
}

const terms = { createdAt: 5000, expiresAt: 9000 };

/** What every PoolStore must do; run against the memory double and against Redis. */
export function describePoolStoreContract(name: string, open: () => Promise<PoolStores>): void {
  describe(`${name}: the PoolStore contract`, () => {
    const withStores = (test: (stores: PoolStores) => Promise<void>) => async () => {
      const stores = await open();
      try { await test(stores); } finally { await stores.close(); }
    };

    it('reserves up to the pool size and within the global capacity, which launches share', withStores(async (stores) => {
      assert.equal(await stores.pools.reserve('a1', 'default', image, 2, { maxServers: 3 }), 'ok');
      assert.equal(await stores.pools.reserve('a2', 'default', image, 2, { maxServers: 3 }), 'ok');
      assert.equal(await stores.pools.reserve('a3', 'default', image, 2, { maxServers: 3 }), 'pool-full');
      assert.equal(await stores.pools.reserve('b1', 'gh/o/r/main', 'other', 5, { maxServers: 3 }), 'ok');
      assert.equal(await stores.pools.reserve('b2', 'gh/o/r/main', 'other', 5, { maxServers: 3 }), 'full');
      assert.equal(await stores.sessions.reserve('user1', '10.0.0.1', { maxServers: 3, maxServersPerIp: 2 }), 'full');
      assert.deepEqual((await stores.pools.snapshot()).starting.map((entry) => entry.id).sort(), ['a1', 'a2', 'b1']);
    }));

    it('lists a reserved server as starting and an added one as ready; never as a session', withStores(async (stores) => {
      await fill(stores, 1);
      assert.equal(await stores.pools.reserve('starting1', 'default', image, 5, limits), 'ok');
      const snapshot = await stores.pools.snapshot();
      assert.deepEqual(snapshot.ready, [server('default0', 1)]);
      assert.deepEqual(snapshot.starting, [{ id: 'starting1', pool: 'default', image }]);
      assert.deepEqual(await stores.sessions.list(), []);
      assert.equal(await stores.sessions.get('default0'), null);
      assert.equal(await stores.sessions.count(), 2);
    }));

    it('hands each ready server out exactly once, however many claims race from two connections', withStores(async (stores) => {
      const ids = await fill(stores, 5);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? stores.pools : stores.otherPools).claim(image, `10.0.1.${i}`, terms, limits)));
      const won = claims.flatMap((claim) => (claim.outcome === 'ok' ? [claim.record.id] : []));
      assert.deepEqual([...won].sort(), ids);
      assert.equal(claims.filter((claim) => claim.outcome === 'empty').length, 15);
      assert.deepEqual((await stores.pools.snapshot()).ready, []);
      const sessions = await stores.sessions.list();
      assert.deepEqual(sessions.map((session) => session.id).sort(), ids);
      assert.equal(new Set(sessions.map((session) => session.clientIp)).size, 5);
    }));

    it('turns the pooled record into a session of the claiming address, oldest server first', withStores(async (stores) => {
      await fill(stores, 2);
      const claim = await stores.pools.claim(image, '10.0.0.7', { ...terms, repo: 'o/r' }, limits);
      assert.equal(claim.outcome, 'ok');
      const expected = { id: 'default0', token: 'token-default0', image, clientIp: '10.0.0.7', containerId: 'c-default0', host: '127.0.0.1', port: 20001, createdAt: 5000, expiresAt: 9000, repo: 'o/r' };
      assert.deepEqual(claim.outcome === 'ok' && claim.record, expected);
      assert.deepEqual(await stores.sessions.get('default0'), expected);
      assert.deepEqual((await stores.sessions.slotIds()).sort(), ['default0', 'default1'], 'the slot moved, not doubled');
      assert.deepEqual((await stores.pools.snapshot()).ready.map((ready) => ready.id), ['default1']);
    }));

    it('hands out only servers of the asked image', withStores(async (stores) => {
      await fill(stores, 1, { pool: 'gh/o/r/main', image: 'built:1' });
      assert.deepEqual(await stores.pools.claim(image, '10.0.0.1', terms, limits), { outcome: 'empty' });
      assert.equal((await stores.pools.claim('built:1', '10.0.0.1', terms, limits)).outcome, 'ok');
    }));

    it('applies the per-address limit at hand-out, leaving the server in the pool', withStores(async (stores) => {
      await fill(stores, 3);
      assert.equal(await stores.sessions.reserve('own1', '10.0.0.1', limits), 'ok');
      assert.equal((await stores.pools.claim(image, '10.0.0.1', terms, limits)).outcome, 'ok');
      assert.deepEqual(await stores.pools.claim(image, '10.0.0.1', terms, limits), { outcome: 'ip-limit' });
      assert.equal((await stores.pools.snapshot()).ready.length, 2);
      assert.equal(await stores.sessions.reserve('own2', '10.0.0.1', limits), 'ip-limit');
    }));

    it('removes only what the pool still holds, freeing the slot', withStores(async (stores) => {
      await fill(stores, 2);
      assert.equal(await stores.pools.reserve('starting1', 'default', image, 5, limits), 'ok');
      const claim = await stores.pools.claim(image, '10.0.0.1', terms, limits);
      const claimed = claim.outcome === 'ok' ? claim.record.id : '';
      assert.equal(await stores.pools.remove(claimed), false);
      assert.ok(await stores.sessions.get(claimed), 'a handed-out server is left alone');
      assert.equal(await stores.pools.remove('default1'), true);
      assert.equal(await stores.pools.remove('default1'), false);
      assert.equal(await stores.pools.remove('starting1'), true);
      assert.deepEqual(await stores.pools.snapshot(), { ready: [], starting: [] });
      assert.deepEqual(await stores.sessions.slotIds(), [claimed]);
      assert.equal(await stores.pools.reserve('again1', 'default', image, 1, limits), 'ok');
    }));

    it('refuses to add a server whose reservation is gone', withStores(async (stores) => {
      assert.equal(await stores.pools.reserve('late1', 'default', image, 5, limits), 'ok');
      assert.equal(await stores.pools.remove('late1'), true);
      assert.equal(await stores.pools.add(server('late1', 1)), false);
      assert.deepEqual(await stores.pools.snapshot(), { ready: [], starting: [] });
      assert.deepEqual(await stores.pools.claim(image, '10.0.0.1', terms, limits), { outcome: 'empty' });
    }));
  });
}

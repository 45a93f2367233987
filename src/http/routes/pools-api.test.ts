import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { silentLogger } from '../../log/testing.js';
import type { PoolStatus } from '../../pools/pool-manager.js';
import { memoryWorkshopStores } from '../../workshops/testing/memory-workshop-stores.js';
import type { AppDeps } from '../context.js';
import { errorHandler } from '../error-handler.js';
import { poolsApi } from './pools-api.js';

const pools: Record<string, PoolStatus> = {
  default: { image: 'nblaunch/base:latest', ready: 2, starting: 1, size: 3 },
  'workshop/secret-launch': { image: 'nblaunch-build/acme-secret:abc', ready: 4, starting: 0, size: 5 },
};

describe('GET /api/pools: counts for anyone, each pool for organizers', () => {
  const stores = memoryWorkshopStores();
  let server: Server;
  let base: string;
  let token: string;

  before(async () => {
    ({ token } = await createOrganizerToken(stores.organizerTokens, 'pool watcher'));
    const app = new Koa();
    app.silent = true;
    app.use(errorHandler(silentLogger()));
    const deps = { workshopStores: stores, pools: { status: async () => pools, startQueue: () => ({ running: 0, waiting: 0 }) } } as unknown as AppDeps;
    app.use(poolsApi(deps).routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tells an anonymous caller how many servers wait, and no pool key, workshop slug or image', async () => {
    const response = await fetch(`${base}/api/pools`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.deepEqual(JSON.parse(text), { ready: 6, starting: 1, size: 8 });
    assert.doesNotMatch(text, /secret-launch|workshop|nblaunch-build/);
  });

  it('gives an organizer every pool with its image', async () => {
    const response = await fetch(`${base}/api/pools`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), pools);
  });

  it('refuses a wrong bearer token rather than answering as to anyone', async () => {
    const response = await fetch(`${base}/api/pools`, { headers: { authorization: 'Bearer not-a-token-at-all-not-at-all' } });
    assert.equal(response.status, 401);
  });
});

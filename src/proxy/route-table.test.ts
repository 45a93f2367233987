import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteTable } from './route-table.js';
import { MemoryRouteStore } from './testing/memory-route-store.js';

const target = { host: '127.0.0.1', port: 20001 };

describe('RouteTable', () => {
  it('writes a new route to the store with its start time as the first activity', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await table.add('server01', target, 1234);

    assert.deepEqual(await store.get('server01'), { id: 'server01', ...target, lastActivity: 1234 });
    assert.deepEqual(await table.lookup('server01'), target);
    assert.equal(table.size, 1);
  });

  it('answers lookups of known routes from memory, without the store', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await table.add('server01', target, 1);
    store.unavailable = true;

    assert.deepEqual(await table.lookup('server01'), target);
  });

  it('falls through to the store for a route another launcher process added, and keeps it', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await store.add('server02', target, 1);

    assert.equal(table.size, 0);
    assert.deepEqual(await table.lookup('server02'), target);
    assert.equal(table.size, 1);
  });

  it('answers null for a route nobody made', async () => {
    const table = new RouteTable(new MemoryRouteStore());
    assert.equal(await table.lookup('unknown01'), null);
    assert.equal(table.size, 0);
  });

  it('removes a route from memory and from the store', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await table.add('server01', target, 1);
    await table.remove('server01');

    assert.equal(await table.lookup('server01'), null);
    assert.equal(await store.get('server01'), null);
    assert.equal(table.size, 0);
  });

  it('forgets cached routes the store no longer has on sync, and learns new ones', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await table.add('server01', target, 1);
    await store.remove('server01');
    await store.add('server02', { host: '127.0.0.1', port: 20002 }, 1);

    await table.sync();
    assert.equal(table.size, 1);
    store.unavailable = true;
    assert.deepEqual(await table.lookup('server02'), { host: '127.0.0.1', port: 20002 });
  });

  it('lists every stored route with its last activity', async () => {
    const store = new MemoryRouteStore();
    const table = new RouteTable(store);
    await table.add('server01', target, 10);
    await store.recordActivity(new Map([['server01', 50]]));

    assert.deepEqual(await table.all(), [{ id: 'server01', ...target, lastActivity: 50 }]);
  });
});

describe('RouteTable change feed', () => {
  it('sees routes added and removed through another table sharing the store, without asking the store', async () => {
    const store = new MemoryRouteStore();
    const here = new RouteTable(store);
    const there = new RouteTable(store);
    await here.start();
    await there.start();
    await there.add('abcdefabcdefabcdefab', { host: '127.0.0.1', port: 9000 });
    store.unavailable = true;
    assert.deepEqual(here.peek('abcdefabcdefabcdefab'), { host: '127.0.0.1', port: 9000 });
    store.unavailable = false;
    await there.remove('abcdefabcdefabcdefab');
    assert.equal(here.peek('abcdefabcdefabcdefab'), undefined);
    await here.stop();
    await there.add('fedcbafedcbafedcbafe', { host: '127.0.0.1', port: 9001 });
    assert.equal(here.peek('fedcbafedcbafedcbafe'), undefined, 'a stopped table follows no more changes');
  });

  it('loads the routes that exist when it starts', async () => {
    const store = new MemoryRouteStore();
    await store.add('abcdefabcdefabcdefab', { host: '127.0.0.1', port: 9000 }, 1);
    const table = new RouteTable(store);
    await table.start();
    assert.equal(table.size, 1);
    assert.deepEqual(table.peek('abcdefabcdefabcdefab'), { host: '127.0.0.1', port: 9000 });
  });
});

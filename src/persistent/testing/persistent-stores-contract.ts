import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RouteStore } from '../../proxy/route-store.js';
import type { SessionRecord, SessionStore } from '../../sessions/session-store.js';
import type { PersistentServer } from '../persistent-server.js';
import type { PersistentServerStore } from '../persistent-server-store.js';

export interface PersistentStoresUnderTest {
  servers: PersistentServerStore;
  sessions: SessionStore;
  routes: RouteStore;
  close(): Promise<void>;
}

const owner = { workshop: 'intro-py', attendeeId: '0123456789abcdef' };

const server = (id: string, workshop = 'intro-py', extra: Partial<PersistentServer> = {}): PersistentServer => ({
  id, workshop, attendeeId: id.slice(-16), token: 't', image: 'nblaunch/base:latest', volume: `nblaunch-x-${id}`, state: 'running', createdAt: 1, ...extra,
});

/** What persistent servers need of the stores, the same for Redis and for the in-memory doubles. */
export function describePersistentStoresContract(name: string, open: () => Promise<PersistentStoresUnderTest>): void {
  describe(`${name}: the persistent server stores contract`, () => {
    let subject: PersistentStoresUnderTest;
    beforeEach(async () => { subject = await open(); });
    afterEach(() => subject.close());

    it('records persistent servers by id and by workshop, replaced on save, and forgets them', async () => {
      const { servers } = subject;
      await servers.save(server('ws-intro-py-bbbbbbbbbbbbbbbb'));
      await servers.save(server('ws-intro-py-aaaaaaaaaaaaaaaa', 'intro-py', { stopReason: 'idle', stoppedAt: 5, lastActivity: 4 }));
      await servers.save(server('ws-other-cccccccccccccccc', 'other'));
      await servers.save(server('ws-intro-py-bbbbbbbbbbbbbbbb', 'intro-py', { state: 'stopped' }));
      assert.deepEqual(await servers.get('ws-intro-py-aaaaaaaaaaaaaaaa'), server('ws-intro-py-aaaaaaaaaaaaaaaa', 'intro-py', { stopReason: 'idle', stoppedAt: 5, lastActivity: 4 }));
      assert.deepEqual((await servers.listOf('intro-py')).map((found) => [found.id, found.state]), [['ws-intro-py-aaaaaaaaaaaaaaaa', 'running'], ['ws-intro-py-bbbbbbbbbbbbbbbb', 'stopped']]);
      assert.deepEqual(await servers.ids(), ['ws-intro-py-aaaaaaaaaaaaaaaa', 'ws-intro-py-bbbbbbbbbbbbbbbb', 'ws-other-cccccccccccccccc']);
      await servers.remove('ws-intro-py-aaaaaaaaaaaaaaaa');
      assert.equal(await servers.get('ws-intro-py-aaaaaaaaaaaaaaaa'), null);
      assert.deepEqual((await servers.listOf('intro-py')).map((found) => found.id), ['ws-intro-py-bbbbbbbbbbbbbbbb']);
      assert.deepEqual(await servers.listOf('nothing'), []);
    });

    it('keeps a session\'s owner, and forgets a session without leaving an ended note', async () => {
      const { sessions } = subject;
      const id = 'ws-intro-py-0123456789abcdef';
      assert.equal(await sessions.reserve(id, 'attendee:intro-py/0123456789abcdef', { maxServers: 5, maxServersPerIp: 1 }), 'ok');
      const record: SessionRecord = { id, token: 't', image: 'i', clientIp: 'attendee:intro-py/0123456789abcdef', containerId: 'c', host: '127.0.0.1', port: 1234, createdAt: 10, expiresAt: 20, owner };
      await sessions.save(record);
      assert.deepEqual(await sessions.get(id), record);
      assert.deepEqual((await sessions.list()).map((found) => found.owner), [owner]);
      assert.deepEqual(await sessions.forget(id), record);
      assert.equal(await sessions.get(id), null);
      assert.equal(await sessions.count(), 0);
      assert.equal(await sessions.ended(id), null);
      assert.equal(await sessions.reserve('other-server', 'attendee:intro-py/0123456789abcdef', { maxServers: 5, maxServersPerIp: 1 }), 'ok', 'the slot of its address is free again');
    });

    it('carries a route\'s owner, in the stored route and in the change feed', async () => {
      const { routes } = subject;
      const changes: unknown[] = [];
      const unwatch = await routes.watch((change) => changes.push(change), () => undefined);
      await routes.add('ws-intro-py-0123456789abcdef', { host: '127.0.0.1', port: 1, owner }, 5);
      await routes.add('anonymous01', { host: '127.0.0.1', port: 2 }, 5);
      assert.deepEqual(await routes.get('ws-intro-py-0123456789abcdef'), { id: 'ws-intro-py-0123456789abcdef', host: '127.0.0.1', port: 1, owner, lastActivity: 5 });
      assert.deepEqual(await routes.get('anonymous01'), { id: 'anonymous01', host: '127.0.0.1', port: 2, lastActivity: 5 });
      await routes.add('ws-intro-py-0123456789abcdef', { host: '127.0.0.1', port: 3, owner }, 6);
      assert.equal((await routes.get('ws-intro-py-0123456789abcdef'))?.port, 3, 'a server started again gets its new port');
      for (let wait = 0; wait < 50 && changes.length < 3; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(changes[0], { type: 'add', id: 'ws-intro-py-0123456789abcdef', target: { host: '127.0.0.1', port: 1, owner } });
      await unwatch();
    });
  });
}

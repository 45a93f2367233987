import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { FailingSpawner } from '../runtime/testing/failing-spawner.js';
import { FakeSpawner } from '../runtime/testing/fake-spawner.js';
import { SlowSpawner } from '../runtime/testing/slow-spawner.js';
import { sessionHarness } from './testing/session-harness.js';

/** A matcher for assert.rejects: a LauncherError with this status and reason. */
function launcherError(status: number, reason: string) {
  return (error: unknown) => {
    assert.ok(error instanceof LauncherError, `expected a LauncherError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.reason, reason);
    return true;
  };
}

describe('SessionManager.launch', () => {
  it('starts a server and returns its id, path, token and expiry', async () => {
    const h = sessionHarness({ settings: { cull: { maxAgeSeconds: 3600 } } });
    const launched = await h.manager.launch('10.0.0.1');

    assert.match(launched.id, /^[a-z0-9]{20}$/);
    assert.equal(launched.path, `/s/${launched.id}/`);
    assert.match(launched.token, /^[0-9a-f]{48}$/);
    assert.equal(launched.expiresAt, h.clock.now + 3600 * 1000);

    const [spec] = h.spawner.starts;
    assert.equal(h.spawner.starts.length, 1);
    assert.equal(spec?.id, launched.id);
    assert.equal(spec?.image, 'nblaunch/test:1');
    assert.equal(spec?.token, launched.token);
    assert.equal(spec?.baseUrl, launched.path);
    assert.equal(spec?.startTimeoutMs, h.config.server.startTimeoutSeconds * 1000);
    assert.deepEqual(spec?.limits, h.config.server);
  });

  it('saves the session record and the route to the new server', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    const server = h.spawner.servers.get(launched.id)!;

    assert.deepEqual(await h.sessions.get(launched.id), {
      id: launched.id, token: launched.token, image: 'nblaunch/test:1', clientIp: '10.0.0.1',
      containerId: server.containerId, host: '127.0.0.1', port: server.port,
      createdAt: h.clock.now, expiresAt: launched.expiresAt,
    });
    assert.deepEqual(await h.routes.lookup(launched.id), { host: '127.0.0.1', port: server.port });
    assert.equal((await h.routeStore.get(launched.id))?.lastActivity, h.clock.now);
    assert.equal(await h.sessions.count(), 1);
  });

  it('gives every launch its own id, token and port', async () => {
    const h = sessionHarness();
    const a = await h.manager.launch('10.0.0.1');
    const b = await h.manager.launch('10.0.0.2');
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.token, b.token);
    assert.notEqual(h.spawner.servers.get(a.id)?.port, h.spawner.servers.get(b.id)?.port);
  });

  it('refuses with 429 capacity-full when every slot is taken, and starts no server', async () => {
    const h = sessionHarness({ settings: { capacity: { maxServers: 2, maxServersPerIp: 5 } } });
    await h.manager.launch('10.0.0.1');
    await h.manager.launch('10.0.0.2');

    await assert.rejects(h.manager.launch('10.0.0.3'), launcherError(429, 'capacity-full'));
    assert.equal(h.spawner.starts.length, 2);
    assert.equal(await h.sessions.count(), 2);
  });

  it('refuses with 429 ip-limit past the per-address cap while another address still launches', async () => {
    const h = sessionHarness({ settings: { capacity: { maxServers: 10, maxServersPerIp: 1 } } });
    await h.manager.launch('10.0.0.1');

    await assert.rejects(h.manager.launch('10.0.0.1'), launcherError(429, 'ip-limit'));
    const other = await h.manager.launch('10.0.0.2');
    assert.ok(await h.sessions.get(other.id));
    assert.equal(h.spawner.starts.length, 2);
  });

  it('passes a failing spawner\'s error on and releases the slot', async () => {
    const spawner = new FailingSpawner();
    const h = sessionHarness({ spawner, settings: { capacity: { maxServers: 1, maxServersPerIp: 1 } } });

    await assert.rejects(h.manager.launch('10.0.0.1'), (error) => error === spawner.startError);
    assert.equal(await h.sessions.count(), 0);
    assert.deepEqual(await h.routes.all(), []);
    // The slot really is free: a second attempt reaches the spawner again instead of a 429.
    await assert.rejects(h.manager.launch('10.0.0.1'), launcherError(503, 'image-missing'));
    assert.equal(spawner.starts.length, 2);
  });

  it('removes the new server and releases the slot when the route cannot be written', async () => {
    const h = sessionHarness();
    h.routeStore.unavailable = true;

    await assert.rejects(h.manager.launch('10.0.0.1'), launcherError(503, 'store-unavailable'));
    assert.equal(h.spawner.starts.length, 1);
    assert.equal(h.spawner.servers.size, 0);
    assert.deepEqual(h.spawner.stops, [{ id: h.spawner.starts[0]!.id, remove: true }]);
    assert.equal(await h.sessions.count(), 0);
    assert.equal(await h.sessions.get(h.spawner.starts[0]!.id), null, 'no record is left behind');
  });

  it('never runs more than maxServers servers when many launches race', async () => {
    const spawner = new SlowSpawner(20);
    const h = sessionHarness({ spawner, settings: { capacity: { maxServers: 3, maxServersPerIp: 100 } } });

    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => h.manager.launch(`10.0.0.${i}`)));
    const launched = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');

    assert.equal(launched.length, 3);
    assert.equal(refused.length, 9);
    for (const { reason } of refused) launcherError(429, 'capacity-full')(reason);
    assert.equal(spawner.starts.length, 3);
    assert.ok(spawner.peakInFlight <= 3);
    assert.equal(spawner.peakRunning, 3);
    assert.equal(await h.sessions.count(), 3);
  });

  it('counts a launch still starting against the per-address cap', async () => {
    const spawner = new SlowSpawner(20);
    const h = sessionHarness({ spawner, settings: { capacity: { maxServers: 10, maxServersPerIp: 1 } } });

    const [first, second] = await Promise.allSettled([h.manager.launch('10.0.0.1'), h.manager.launch('10.0.0.1')]);
    assert.equal(first?.status, 'fulfilled');
    assert.equal(second?.status, 'rejected');
    launcherError(429, 'ip-limit')((second as PromiseRejectedResult).reason);
  });
});

describe('SessionManager.authorize', () => {
  it('returns the record to the holder of its token', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    const record = await h.manager.authorize(launched.id, launched.token);
    assert.equal(record.id, launched.id);
    assert.equal(record.token, launched.token);
  });

  it('answers 404 for a wrong token, no token, or an unknown id', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    await assert.rejects(h.manager.authorize(launched.id, 'wrong'), launcherError(404, 'no-such-session'));
    await assert.rejects(h.manager.authorize(launched.id, `${launched.token}x`), launcherError(404, 'no-such-session'));
    await assert.rejects(h.manager.authorize(launched.id, undefined), launcherError(404, 'no-such-session'));
    await assert.rejects(h.manager.authorize('nosuchsession0000000', launched.token), launcherError(404, 'no-such-session'));
  });

  it('answers 410 naming the reason for an ended session asked with a token', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    await h.manager.end(launched.id, 'idle');

    await assert.rejects(h.manager.authorize(launched.id, launched.token), (error) => {
      launcherError(410, 'session-ended')(error);
      assert.match((error as Error).message, /no activity/);
      return true;
    });
    await assert.rejects(h.manager.authorize(launched.id, undefined), launcherError(404, 'no-such-session'));
  });
});

describe('SessionManager.end', () => {
  it('removes the route, the record and the container, and leaves an ended note', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    h.advance(5000);
    await h.manager.end(launched.id, 'deleted');

    assert.equal(await h.routes.lookup(launched.id), null);
    assert.equal(await h.routeStore.get(launched.id), null);
    assert.equal(await h.sessions.get(launched.id), null);
    assert.equal(await h.sessions.count(), 0);
    assert.equal(h.spawner.servers.has(launched.id), false);
    assert.deepEqual(h.spawner.stops, [{ id: launched.id, remove: true }]);
    assert.deepEqual(await h.sessions.ended(launched.id), { reason: 'deleted', endedAt: h.clock.now });
  });

  it('frees the slot for the next launch from the same address', async () => {
    const h = sessionHarness({ settings: { capacity: { maxServers: 1, maxServersPerIp: 1 } } });
    const first = await h.manager.launch('10.0.0.1');
    await h.manager.end(first.id, 'deleted');
    const second = await h.manager.launch('10.0.0.1');
    assert.ok(await h.sessions.get(second.id));
  });

  it('is idempotent', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1');
    await h.manager.end(launched.id, 'deleted');
    await h.manager.end(launched.id, 'deleted');
    await h.manager.end('neverexisted00000000', 'deleted');

    assert.equal(await h.sessions.get(launched.id), null);
    assert.equal(h.spawner.servers.size, 0);
    assert.equal((await h.sessions.ended(launched.id))?.reason, 'deleted');
  });

  it('still ends the session when the container cannot be removed now', async () => {
    class StuckSpawner extends FakeSpawner {
      override async stop(): Promise<void> {
        throw new LauncherError(503, 'docker-unreachable', 'Docker is not answering.');
      }
    }
    const h = sessionHarness({ spawner: new StuckSpawner() });
    const launched = await h.manager.launch('10.0.0.1');

    await h.manager.end(launched.id, 'deleted');
    assert.equal(await h.sessions.get(launched.id), null);
    assert.equal(await h.routes.lookup(launched.id), null);
    assert.equal(h.spawner.servers.has(launched.id), true, 'the container is left for the reconciler');
  });
});

describe('SessionManager launch options', () => {
  it('starts the given image with its labels and remembers the repo', async () => {
    const h = sessionHarness();
    const launched = await h.manager.launch('10.0.0.1', { image: 'nblaunch-build/gh-o-r:abc', labels: { 'org.nblaunch.repo': 'o/r' }, repo: 'o/r' });
    assert.equal(h.spawner.starts[0]?.image, 'nblaunch-build/gh-o-r:abc');
    assert.deepEqual(h.spawner.starts[0]?.labels, { 'org.nblaunch.repo': 'o/r' });
    assert.equal((await h.sessions.get(launched.id))?.repo, 'o/r');
  });

  it('refuses a launch over the per-repo quota with 429, while other repos still launch', async () => {
    const h = sessionHarness();
    await h.manager.launch('10.0.0.1', { repo: 'o/busy', repoQuota: 2 });
    await h.manager.launch('10.0.0.2', { repo: 'o/busy', repoQuota: 2 });
    await assert.rejects(h.manager.launch('10.0.0.3', { repo: 'o/busy', repoQuota: 2 }), (error: unknown) =>
      launcherError(429, 'repo-quota')(error) && /o\/busy already has 2 servers running/.test((error as Error).message));
    await h.manager.launch('10.0.0.3', { repo: 'o/quiet', repoQuota: 2 });
    assert.equal(h.spawner.starts.length, 3);
  });
});

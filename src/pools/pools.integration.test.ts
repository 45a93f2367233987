import { loadSecretKey, secretKeyPath } from '../auth/secret-key-file.js';
import { TokenSealer } from '../auth/token-sealer.js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labelKeys } from '../runtime/labels.js';
import { readBuildEvents } from '../testing/build-events-client.js';
import type { TestRepo } from '../testing/git-http-server.js';
import { runCodeInNewKernel } from '../testing/kernel-client.js';
import { RedisPoolStore } from '../store/redis-pool-store.js';
import { bootLauncher, bootLauncherWithGit, eventually, launchSession, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import type { PoolStatus } from './pool-manager.js';
import { createOrganizerToken } from '../auth/organizer-tokens.js';

interface Container { id: string; session: string; kind: string; pool: string; image: string; running: boolean }

/** Every container of the harness's instance, read from Docker's own labels. */
function containersOf(harness: Harness): Container[] {
  const ids = harness.containers();
  if (ids.length === 0) return [];
  const inspected = JSON.parse(execFileSync('docker', ['inspect', ...ids], { encoding: 'utf8' })) as Array<{
    Id: string; State: { Running: boolean }; Config: { Labels: Record<string, string> };
  }>;
  return inspected.map((info) => ({
    id: info.Id,
    session: info.Config.Labels[labelKeys.session] ?? '',
    kind: info.Config.Labels[labelKeys.kind] ?? '',
    pool: info.Config.Labels[labelKeys.pool] ?? '',
    image: info.Config.Labels[labelKeys.image] ?? '',
    running: info.State.Running,
  }));
}

const organizerTokens = new WeakMap<Harness, Promise<string>>();

/** `Authorization` for an organizer of this launcher: only organizers see each pool. */
async function asOrganizer(harness: Harness): Promise<{ authorization: string }> {
  let token = organizerTokens.get(harness);
  if (!token) {
    token = createOrganizerToken(harness.launcher.deps.workshopStores.organizerTokens, 'pools test').then((created) => created.token);
    organizerTokens.set(harness, token);
  }
  return { authorization: `Bearer ${await token}` };
}

async function pools(harness: Harness): Promise<Record<string, PoolStatus>> {
  const response = await fetch(`${harness.url}/api/pools`, { headers: await asOrganizer(harness) });
  assert.equal(response.status, 200);
  return await response.json() as Record<string, PoolStatus>;
}

async function readyIds(harness: Harness, pool = 'default'): Promise<string[]> {
  const store = new RedisPoolStore(harness.launcher.deps.redis, harness.config.instance, new TokenSealer(loadSecretKey(secretKeyPath(harness.config))));
  return (await store.snapshot()).ready.filter((server) => server.pool === pool).map((server) => server.id).sort();
}

/** Waits until the pool holds `size` ready servers and nothing is starting. */
function full(harness: Harness, size: number, pool = 'default'): Promise<true> {
  return eventually(async () => {
    const status = (await pools(harness))[pool];
    return status?.ready === size && status.starting === 0 ? true : undefined;
  }, 120_000, `pool ${pool} to hold ${size} ready servers`);
}

describe('warm pools against a real Docker engine and Redis', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({ pool: { size: 6, refreshSeconds: 1 }, capacity: { maxServers: 20, maxServersPerIp: 20 } });
  });
  after(() => harness.cleanup());

  it('fills the pool, shown in /health and /api/pools, with labelled servers that are nobody\'s sessions', async () => {
    await full(harness, 6);
    const health = await (await fetch(`${harness.url}/health`, { headers: await asOrganizer(harness) })).json() as { pools: Record<string, PoolStatus> };
    assert.deepEqual(health.pools, { default: { image: harness.config.image, ready: 6, starting: 0, size: 6 } });
    const anonymous = await (await fetch(`${harness.url}/health`)).json() as { pools: unknown };
    assert.deepEqual(anonymous.pools, { ready: 6, starting: 0, size: 6 }, 'anyone else sees the counts only');
    const containers = containersOf(harness);
    assert.equal(containers.length, 6);
    for (const container of containers) assert.deepEqual([container.kind, container.pool, container.running], ['pooled', 'default', true]);
    assert.deepEqual(await harness.launcher.deps.sessions.list(), []);
    assert.deepEqual(await (await fetch(`${harness.url}/api/launch-queue`)).json(), { running: 0, waiting: 0 });
  });

  it('hands each pooled server to exactly one of 12 simultaneous launches, starts the rest cold, and refills', async () => {
    const pooled = new Set(await readyIds(harness));
    const launched = await Promise.all(Array.from({ length: 12 }, () => launchSession(harness.url)));

    const ids = launched.map((session) => session.id);
    assert.equal(new Set(ids).size, 12, 'every launch has its own server');
    assert.equal(new Set(launched.map((session) => session.token)).size, 12);
    const handedOut = ids.filter((id) => pooled.has(id));
    // The oldest ready server goes first and a launch starts cold only when none is ready, so all six went.
    assert.equal(handedOut.length, 6, 'every server pooled before the burst was handed out');
    const records = await harness.launcher.deps.sessions.list();
    assert.deepEqual(records.map((record) => record.id).sort(), [...ids].sort());
    const containers = containersOf(harness);
    for (const record of records) {
      const serving = containers.filter((container) => container.session === record.id);
      assert.equal(serving.length, 1, `one container serves ${record.id}`);
      assert.equal(serving[0]!.id, record.containerId);
      assert.equal(serving[0]!.kind, pooled.has(record.id) ? 'pooled' : 'ephemeral');
    }
    await Promise.all(launched.map(async (session) => {
      const status = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
      assert.equal(status.status, 200, `${session.id} answers through the proxy`);
    }));
    const fromPool = launched.find((session) => pooled.has(session.id))!;
    assert.equal(await runCodeInNewKernel(fromPool.url, fromPool.token, 'print(6*7)'), '42\n');

    await full(harness, 6);
    const refilled = await readyIds(harness);
    assert.deepEqual(refilled.filter((id) => ids.includes(id)), [], 'handed-out servers never go back to the pool');
    assert.equal(containersOf(harness).length, 18);
    assert.equal(await harness.launcher.deps.sessions.count(), 18);
  });

  it('keeps the pool consistent with Docker across a launcher restart, and hands out after it', async () => {
    const before = await readyIds(harness);
    const sessions = (await harness.launcher.deps.sessions.list()).map((record) => record.id);
    await harness.restart();

    assert.deepEqual(await readyIds(harness), before);
    const known = new Set([...before, ...sessions]);
    const containers = containersOf(harness);
    assert.deepEqual(containers.filter((container) => !known.has(container.session)), [], 'no orphans');
    assert.equal(containers.length, known.size);
    const report = await harness.launcher.reconciler.reconcileOnce();
    assert.deepEqual(report.pooledDropped, []);
    assert.deepEqual(report.orphanContainersRemoved, []);

    const session = await launchSession(harness.url);
    assert.ok(before.includes(session.id), 'a server pooled before the restart is handed out');
    const status = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(status.status, 200);
    await full(harness, 6);
  });

  it('drops a pooled server whose container was removed behind its back, and replaces it', async () => {
    const [victim] = await readyIds(harness);
    execFileSync('docker', ['rm', '-f', `nblaunch-${harness.config.instance}-${victim}`], { stdio: 'ignore' });
    const report = await harness.launcher.reconciler.reconcileOnce();
    assert.deepEqual(report.pooledDropped, [victim]);
    await full(harness, 6);
    assert.ok(!(await readyIds(harness)).includes(victim!));
  });
});

describe('recycling pooled servers nobody took', () => {
  let harness: Harness;
  before(async () => {
    harness = await bootLauncher({ pool: { size: 2, maxIdleSeconds: 3, refreshSeconds: 1 } });
  });
  after(() => harness.cleanup());

  it('replaces servers idle past pool.maxIdleSeconds with new ones, removing the old containers', async () => {
    await full(harness, 2);
    const first = await readyIds(harness);
    await eventually(async () => {
      const now = await readyIds(harness);
      return now.length === 2 && now.every((id) => !first.includes(id)) ? true : undefined;
    }, 60_000, 'two fresh pooled servers');
    const sessions = new Set(containersOf(harness).map((container) => container.session));
    for (const id of first) assert.equal(sessions.has(id), false, `the container of ${id} is gone`);
  });
});

describe('a repo pool following its ref', () => {
  let launched: GitBackedHarness | undefined;
  let harness: Harness;
  let checkouts: string;
  let repo: TestRepo;
  let prefix: string;
  const key = 'gh/demo/pooled/main';

  before(async () => {
    checkouts = mkdtempSync(join(tmpdir(), 'nblaunch-pool-it-'));
    launched = await bootLauncherWithGit({
      git: { checkoutDir: checkouts, refCacheSeconds: 0 },
      build: { timeoutSeconds: 120 },
      pool: { repos: [`${key}=2`], refreshSeconds: 1 },
    });
    ({ harness, imagePrefix: prefix } = launched);
    // The pool resolves its ref every second until the repo is there.
    repo = await launched.git.createRepo('demo/pooled', { 'hello.txt': 'version 1\n' });
  });
  after(async () => {
    await launched?.cleanup();
    rmSync(checkouts, { recursive: true, force: true });
  });

  it('builds the image, hands a pooled server to the repo link, and drains to the new image when the ref moves', async () => {
    await full(harness, 2, key);
    const firstImage = (await pools(harness))[key]!.image!;
    assert.match(firstImage, new RegExp(`^${prefix}`));
    const first = await readyIds(harness, key);

    const { events } = await readBuildEvents(`${harness.url}/build/${key}`);
    const ready = events.at(-1)!;
    assert.equal(ready.phase, 'ready', JSON.stringify(events.slice(-2)));
    const takenId = String(ready.url).split('/s/')[1]!.replace(/\/$/, '');
    assert.ok(first.includes(takenId), 'the repo link got a pooled server');
    assert.equal((await harness.launcher.deps.sessions.get(takenId))?.repo, 'demo/pooled');
    assert.equal(await runCodeInNewKernel(String(ready.url), String(ready.token), 'print(open("hello.txt").read().strip())'), 'version 1\n');

    await repo.commit({ 'hello.txt': 'version 2\n' }, 'Version 2');
    const newImage = await eventually(async () => {
      const status = (await pools(harness))[key]!;
      return status.image !== firstImage && status.ready === 2 && status.starting === 0 ? status.image! : undefined;
    }, 180_000, 'the pool to move to the new image');
    await eventually(async () => {
      const pooled = containersOf(harness).filter((container) => container.pool === key && container.session !== takenId);
      return pooled.length === 2 && pooled.every((container) => container.image === newImage) ? true : undefined;
    }, 60_000, 'only servers of the new image in the pool');
    const taken = containersOf(harness).find((container) => container.session === takenId);
    assert.equal(taken?.running, true, 'the handed-out server of the old image keeps running');
  });
});

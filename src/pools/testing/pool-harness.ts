import { SessionManager } from '../../sessions/session-manager.js';
import { sessionHarness, type SessionHarnessOptions } from '../../sessions/testing/session-harness.js';
import { poolDefinitions } from '../pool-definitions.js';
import { PoolManager, type PoolManagerDeps } from '../pool-manager.js';
import { FakeRepoImages } from './fake-repo-images.js';
import { MemoryPoolStore } from './memory-pool-store.js';

/**
 * The session harness with warm pools: a MemoryPoolStore over its session store, a
 * PoolManager sharing the manager's start queue, and repo images the test sets by hand.
 * Settings go through the real schema, e.g. `{ pool: { size: 2, repos: ['gh/o/r/main=1'] } }`.
 */
export function poolHarness(options: SessionHarnessOptions & { images?: Record<string, string>; isAnswering?: PoolManagerDeps['isAnswering'] } = {}) {
  const h = sessionHarness(options);
  const store = new MemoryPoolStore(h.sessions, { now: h.now });
  const images = new FakeRepoImages();
  for (const [repo, image] of Object.entries(options.images ?? {})) images.current.set(repo, image);
  const starter = h.manager.starter;
  const pools = new PoolManager({
    config: h.config, definitions: poolDefinitions(h.config), store, sessions: h.sessions, starter,
    spawner: h.spawner, builder: images, logger: h.logger, now: h.now, ...(options.isAnswering ? { isAnswering: options.isAnswering } : {}),
  });
  const manager = new SessionManager({ config: h.config, spawner: h.spawner, sessions: h.sessions, routes: h.routes, logger: h.logger, now: h.now, starter, pools });
  return {
    ...h, manager, store, images, pools,
    /** One pool pass, then every refill it (or a hand-out) started. */
    async refresh(): Promise<void> {
      await pools.refreshOnce();
      await pools.settled();
    },
    /** Ids of the ready pooled servers. */
    async readyIds(pool?: string): Promise<string[]> {
      return (await store.snapshot()).ready.filter((server) => !pool || server.pool === pool).map((server) => server.id).sort();
    },
  };
}

export type PoolHarness = ReturnType<typeof poolHarness>;

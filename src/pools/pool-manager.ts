import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { QueueStats } from '../queue/fifo-queue.js';
import { labelKeys } from '../runtime/labels.js';
import type { Spawner } from '../runtime/spawner.js';
import { newServerToken, newSessionId } from '../sessions/ids.js';
import type { ServerStarter } from '../sessions/server-starter.js';
import { warmUpJupyter } from '../runtime/jupyter-status.js';
import type { SessionRecord, SessionStore } from '../sessions/session-store.js';
import type { WarmPools } from '../sessions/warm-pools.js';
import type { PoolDefinition } from './pool-definitions.js';
import { discardReason, followRef, initialState, type PoolState, type RepoImages } from './pool-state.js';
import type { HandOutResult, HandOutTerms, PoolSnapshot, PoolStore, PooledServer } from './pool-store.js';

export interface PoolStatus {
  image: string | null;
  ready: number;
  starting: number;
  size: number;
}

export interface PoolManagerDeps {
  config: Pick<Config, 'image' | 'pool' | 'capacity'>;
  definitions: PoolDefinition[];
  store: PoolStore;
  sessions: Pick<SessionStore, 'count' | 'end'>;
  starter: ServerStarter;
  spawner: Spawner;
  builder: RepoImages;
  logger: Logger;
  /** Whether a handed-out server answers (its Jupyter status); a dead one is ended and another handed out. */
  isAnswering?: (server: SessionRecord) => Promise<boolean>;
  now?: () => number;
}

// Thrown inside a refill's slot when the pool no longer needs it (full, or image changed).
const notNeeded = new LauncherError(409, 'pool-not-needed', 'The pool needs no more servers.');

/**
 * Keeps warm pools of running servers: fills them to size within the free capacity, starts a
 * replacement after each hand-out, recycles servers idle past `pool.maxIdleSeconds`, and
 * drains a repo pool whose ref moved to a new image. Redis holds what each pool has, so
 * several launcher processes can share pools; this class holds only what it is doing.
 */
export class PoolManager implements WarmPools {
  private readonly pools: Map<string, PoolState>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private passAgain = false;
  private stopping = false;

  constructor(private readonly deps: PoolManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.pools = new Map(deps.definitions.map((definition) => [definition.key, initialState(definition, deps.config.image)]));
  }

  async handOut(image: string, clientIp: string, terms: HandOutTerms, limits: { maxServersPerIp: number }): Promise<HandOutResult> {
    const { store, sessions, spawner, logger, isAnswering } = this.deps;
    for (;;) {
      const result = await store.claim(image, clientIp, terms, limits);
      if (result.outcome !== 'ok') return result;
      const state = this.pools.get(result.pool);
      if (state) this.refill(state);
      // A server that died in the pool since the last reconcile must not reach a person.
      if (!isAnswering || (await isAnswering(result.record))) return result;
      logger.warn({ server: result.record.id, pool: result.pool }, 'a pooled server did not answer; handing out another');
      await sessions.end(result.record.id, 'server-gone');
      await spawner.stop(result.record.id, { remove: true }).catch(() => undefined);
    }
  }

  async makeRoom(): Promise<boolean> {
    const { ready } = await this.deps.store.snapshot();
    for (const server of ready.sort((a, b) => a.pooledAt - b.pooledAt)) {
      if (await this.discard(server, 'its slot is needed for a launch')) return true;
    }
    return false;
  }

  /**
   * Sets a pool of a given image and size at run time (a workshop's warm-up), beside the
   * configured ones: a new image drains the old servers, size 0 drains the pool.
   */
  setPool(key: string, image: string, size: number): void {
    const state = this.pools.get(key);
    if (state?.repo) throw new Error(`the pool "${key}" follows a repo and cannot be set`);
    if (state && state.image === image && state.size === size) return;
    if (state) Object.assign(state, size === 0 ? { size } : { image, size, imageReady: true });
    else if (size > 0) this.pools.set(key, { key, size, image, imageReady: true, queued: 0 });
    void this.refreshOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'pool pass failed'));
  }

  /** One pass: follow repo refs, drain and recycle, top up. Passes never overlap; one asked for during a pass runs after it. */
  refreshOnce(): Promise<void> {
    if (this.running) {
      this.passAgain = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.passAgain = false;
        await this.pass();
      } while (this.passAgain && !this.stopping);
    })().finally(() => { this.running = undefined; });
    return this.running;
  }

  async status(): Promise<Record<string, PoolStatus>> {
    const { ready, starting } = await this.deps.store.snapshot();
    return Object.fromEntries([...this.pools.values()].map((state) => [state.key, {
      image: state.image,
      ready: ready.filter((server) => server.pool === state.key && (state.image === null || server.image === state.image)).length,
      starting: starting.filter((server) => server.pool === state.key).length,
      size: state.size,
    }]));
  }

  /** The shared start queue: starts running, and people waiting (refills not counted). */
  startQueue(): Pick<QueueStats, 'running' | 'waiting'> {
    const { running, waiting } = this.deps.starter.stats;
    return { running, waiting };
  }

  private async pass(): Promise<void> {
    for (const state of this.pools.values()) {
      if (state.size > 0) await followRef(state, this.deps.builder, this.deps.logger, () => { void this.refreshOnce(); });
    }
    const held = await this.discardUnwanted(await this.deps.store.snapshot());
    let free = this.deps.config.capacity.maxServers - (await this.deps.sessions.count())
      - [...this.pools.values()].reduce((sum, state) => sum + state.queued, 0);
    for (const state of this.pools.values()) {
      if (!state.imageReady) continue;
      for (let missing = state.size - (held.get(state.key) ?? 0) - state.queued; missing > 0 && free > 0; missing -= 1, free -= 1) this.refill(state);
    }
  }

  /** Removes ready servers no pool wants; answers how many servers (ready or starting) each pool keeps. */
  private async discardUnwanted(snapshot: PoolSnapshot): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    for (const server of snapshot.starting) held.set(server.pool, (held.get(server.pool) ?? 0) + 1);
    const maxIdleMs = this.deps.config.pool.maxIdleSeconds * 1000;
    const now = this.now();
    // Newest first, so a pool over its size gives up its oldest servers.
    for (const server of [...snapshot.ready].sort((a, b) => b.pooledAt - a.pooledAt)) {
      const kept = held.get(server.pool) ?? 0;
      const why = discardReason(server, this.pools.get(server.pool), kept, now - server.pooledAt >= maxIdleMs);
      if (why) await this.discard(server, why);
      else held.set(server.pool, kept + 1);
    }
    return held;
  }

  /** Removes a pooled server unless it was handed out meanwhile; true when it was removed. */
  private async discard(server: Pick<PooledServer, 'id' | 'pool' | 'image'>, why: string): Promise<boolean> {
    if (!(await this.deps.store.remove(server.id))) return false;
    this.deps.logger.info({ server: server.id, pool: server.pool, image: server.image, why }, 'pooled server removed');
    await this.deps.spawner.stop(server.id, { remove: true })
      .catch((error: Error) => this.deps.logger.warn({ server: server.id, err: error.message }, 'could not remove a pooled container now; reconcile will'));
    return true;
  }

  /** Starts one server for the pool in the background; its slot is taken only once the start queue lets it run. */
  private refill(state: PoolState): void {
    if (this.stopping || !state.imageReady || state.image === null) return;
    const { store, starter, spawner, logger, config } = this.deps;
    const image = state.image;
    const id = newSessionId();
    const token = newServerToken();
    const labels = { [labelKeys.kind]: 'pooled', [labelKeys.pool]: state.key, ...(state.repo ? { [labelKeys.repo]: state.repo.displayName } : {}) };
    let reserved = false;
    state.queued += 1;
    const beforeStart = async () => {
      state.queued -= 1;
      if (this.stopping || state.image !== image) throw notNeeded;
      if ((await store.reserve(id, state.key, image, state.size, config.capacity)) !== 'ok') throw notNeeded;
      reserved = true;
    };
    const done = starter.start({ id, image, token, labels }, { background: true, beforeStart })
      .then(async (handle) => {
        await warmUpJupyter(handle, `/s/${id}/`, token);
        const server = { id, pool: state.key, image, token, containerId: handle.containerId, host: handle.host, port: handle.port, pooledAt: this.now() };
        if (state.image === image && (await store.add(server))) return;
        // The image moved on while it started, or the reconciler took the slot for a dead start.
        await store.remove(id);
        await spawner.stop(id, { remove: true });
      })
      .catch(async (error: Error) => {
        if (error === notNeeded) return;
        if (reserved) {
          await store.remove(id).catch(() => undefined);
          await spawner.stop(id, { remove: true }).catch(() => undefined);
        }
        logger.warn({ pool: state.key, image, err: error.message }, 'could not start a pooled server');
      });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  start(): void {
    const refresh = () => this.refreshOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'pool pass failed'));
    void refresh();
    this.timer = setInterval(refresh, this.deps.config.pool.refreshSeconds * 1000);
    this.timer.unref();
  }

  /** Resolves once no refill is queued or starting. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the timer and waits for starts in flight; pooled servers keep running for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.settled();
  }
}

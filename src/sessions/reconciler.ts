import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { RouteTable } from '../proxy/route-table.js';
import { poolAddress, type PoolStore } from '../pools/pool-store.js';
import type { Spawner } from '../runtime/spawner.js';
import type { PersistentServerControl } from './persistent-server-control.js';
import type { SessionManager } from './session-manager.js';
import type { SessionStore } from './session-store.js';

/** Not a failure: the step found nothing to do. */
class Skip extends Error {}

const unreachableReasons = new Set(['docker-unreachable', 'store-unavailable']);

export interface ReconcileReport {
  orphanContainersRemoved: string[];
  sessionsEnded: string[];
  reservationsReleased: string[];
  routesRemoved: string[];
  /** Pooled servers whose container was missing or stopped. */
  pooledDropped: string[];
  /** Persistent servers found stopped (after a Docker engine restart, say), or running without a session. */
  persistentStopped: string[];
}

export interface ReconcilerDeps {
  spawner: Spawner;
  sessions: SessionStore;
  routes: RouteTable;
  manager: SessionManager;
  /** Pooled servers hold slots but have no session: without this they would look like dead launches. */
  pools?: PoolStore;
  /** Workshop attendees' servers: a stopped one is a normal state, never an orphan or a dead session. */
  persistent?: PersistentServerControl;
  logger: Logger;
  /** A reservation older than this without a session is a launch that died with its launcher. */
  staleReservationMs: number;
  intervalMs: number;
}

/**
 * Makes Docker and Redis agree. The labels on containers are the truth about what exists:
 * containers Redis does not know are removed, sessions and pooled servers whose container is
 * gone or stopped are ended or dropped, and routes without a session are dropped. Persistent
 * servers are only ever stopped: their containers and volumes stay for the next start.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileReport> | undefined;

  constructor(private readonly deps: ReconcilerDeps) {}

  reconcileOnce(): Promise<ReconcileReport> {
    this.running ??= this.pass().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const { spawner, sessions, routes, manager, pools, persistent, logger } = this.deps;
    const report: ReconcileReport = { orphanContainersRemoved: [], sessionsEnded: [], reservationsReleased: [], routesRemoved: [], pooledDropped: [], persistentStopped: [] };
    const stale = await sessions.staleReservations(this.deps.staleReservationMs);
    // Read after the stale list: a pooled server that became ready in between is not taken for a dead start.
    const pooled = pools ? (await pools.snapshot()).ready : [];
    const readyIds = new Set(pooled.map((server) => server.id));
    for (const reservation of stale) {
      if (readyIds.has(reservation.id)) continue;
      const released = await this.attempt('release a dead launch\'s slot', reservation.id, async () => {
        if (pools && reservation.clientIp === poolAddress) await pools.remove(reservation.id);
        else await sessions.release(reservation.id, reservation.clientIp);
      });
      if (released) report.reservationsReleased.push(reservation.id);
    }
    const servers = await spawner.list();
    const records = await sessions.list();
    const known = new Set(records.map((record) => record.id));
    const reserved = new Set(await sessions.slotIds());
    const persistentIds = persistent ? await persistent.knownIds() : new Set<string>();
    for (const server of servers) {
      if (known.has(server.id) || reserved.has(server.id)) continue;
      if (persistentIds.has(server.id)) {
        // Running without a session it would hold no capacity slot.
        if (server.state === 'running' && await this.attempt('stop a persistent server without a session', server.id, () => persistent!.stop(server.id, 'server-stopped'))) {
          report.persistentStopped.push(server.id);
        }
        continue;
      }
      if (await this.attempt('remove an orphan container', server.id, () => spawner.stop(server.id, { remove: true }))) {
        report.orphanContainersRemoved.push(server.id);
      }
    }
    const runningIds = new Set(servers.filter((server) => server.state === 'running').map((server) => server.id));
    for (const server of pooled) {
      if (runningIds.has(server.id)) continue;
      const dropped = await this.attempt('drop a dead pooled server', server.id, async () => {
        if (await pools!.remove(server.id)) await spawner.stop(server.id, { remove: true });
        else throw new Skip();
      });
      if (dropped) report.pooledDropped.push(server.id);
    }
    for (const record of records) {
      if (runningIds.has(record.id)) continue;
      if (record.owner && persistent) {
        if (await this.attempt('mark a persistent server stopped', record.id, () => persistent.stop(record.id, 'server-stopped'))) {
          report.persistentStopped.push(record.id);
        }
        continue;
      }
      if (await this.attempt('end a session whose container is gone', record.id, () => manager.end(record.id, 'server-gone'))) {
        report.sessionsEnded.push(record.id);
      }
    }
    const gone = new Set([...report.sessionsEnded, ...report.persistentStopped]);
    const stillKnown = new Set(records.map((record) => record.id).filter((id) => !gone.has(id)));
    for (const route of await routes.all()) {
      if (stillKnown.has(route.id) || reserved.has(route.id)) continue;
      if (await this.attempt('drop a route without a session', route.id, () => routes.remove(route.id))) {
        report.routesRemoved.push(route.id);
      }
    }
    await routes.sync();
    const changed = Object.values(report).some((list) => list.length > 0);
    if (changed) logger.info(report, 'reconciled Docker with Redis');
    return report;
  }

  /**
   * One item's repair: a failure (a container removed by someone else meanwhile, a record that
   * changed) is logged and the pass goes on with the next. Only an engine or a Redis that no
   * longer answers ends the pass, since every later step would fail the same way.
   */
  private async attempt(what: string, id: string, step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      if (error instanceof Skip) return false;
      if (error instanceof LauncherError && unreachableReasons.has(error.reason)) throw error;
      this.deps.logger.warn({ id, err: (error as Error).message }, `reconcile: could not ${what}; going on with the rest`);
      return false;
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      this.reconcileOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'reconcile pass failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

import type { Logger } from '../log/logger.js';
import type { ActivityRecorder } from '../proxy/activity-recorder.js';
import type { RouteTable } from '../proxy/route-table.js';
import { cullReason } from './cull-policy.js';
import type { SessionManager } from './session-manager.js';
import type { SessionRecord, SessionStore } from './session-store.js';

/** Asks a server when it was last active by its own account (kernels, API calls), or null. */
export type ServerActivityProbe = (session: SessionRecord) => Promise<Date | null>;

export interface CullerDeps {
  sessions: SessionStore;
  routes: RouteTable;
  activity: ActivityRecorder;
  manager: SessionManager;
  probe: ServerActivityProbe;
  logger: Logger;
  idleTimeoutMs: number;
  intervalMs: number;
  now?: () => number;
}

/** Ends servers idle past the limit or older than their maximum age. */
export class Culler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly deps: CullerDeps) {}

  /** One pass; resolves to the number of sessions ended. Passes never overlap. */
  cullOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { sessions, routes, activity, manager, probe, logger, idleTimeoutMs } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const limits = { idleTimeoutMs };
    const routeActivity = new Map((await routes.all()).map((route) => [route.id, route.lastActivity]));
    let ended = 0;
    for (const session of await sessions.list()) {
      let lastActivity = Math.max(session.createdAt, routeActivity.get(session.id) ?? 0, activity.pendingFor(session.id) ?? 0);
      let reason = cullReason(session, lastActivity, now, limits);
      if (reason === 'idle') {
        const reported = await probe(session).catch(() => null);
        if (reported) lastActivity = Math.max(lastActivity, reported.getTime());
        reason = cullReason(session, lastActivity, now, limits);
      }
      if (!reason) continue;
      try {
        await manager.end(session.id, reason);
        ended += 1;
      } catch (error) {
        logger.warn({ session: session.id, err: (error as Error).message }, 'could not cull server');
      }
    }
    return ended;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.cullOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'cull pass failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

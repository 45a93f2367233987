import type { Logger } from '../log/logger.js';
import type { ActivityRecorder } from '../proxy/activity-recorder.js';
import type { RouteTable } from '../proxy/route-table.js';
import { cullReason } from './cull-policy.js';
import type { PersistentServerControl } from './persistent-server-control.js';
import type { SessionManager } from './session-manager.js';
import type { EndReason, SessionRecord, SessionStore } from './session-store.js';

/** Asks a server when it was last active by its own account (kernels, API calls), or null. */
export type ServerActivityProbe = (session: SessionRecord) => Promise<Date | null>;

export interface CullerDeps {
  sessions: SessionStore;
  routes: RouteTable;
  activity: ActivityRecorder;
  manager: SessionManager;
  probe: ServerActivityProbe;
  /** Workshop attendees' servers: stopped, never removed, when idle or when their workshop is over. */
  persistent?: PersistentServerControl;
  logger: Logger;
  idleTimeoutMs: number;
  intervalMs: number;
  now?: () => number;
}

/**
 * Ends servers idle past the limit or older than their maximum age; stops persistent servers
 * idle past the limit or whose workshop is over.
 */
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
    const { sessions, routes, manager, persistent, logger } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const routeActivity = new Map((await routes.all()).map((route) => [route.id, route.lastActivity]));
    let ended = 0;
    for (const session of await sessions.list()) {
      try {
        if (session.owner && persistent) {
          const reason = (await persistent.mustStop(session)) ?? ((await this.reasonFor(session, routeActivity, now)) === 'idle' ? 'idle' : null);
          if (!reason) continue;
          await persistent.stop(session.id, reason);
        } else {
          const reason = await this.reasonFor(session, routeActivity, now);
          if (!reason) continue;
          await manager.end(session.id, reason);
        }
        ended += 1;
      } catch (error) {
        logger.warn({ session: session.id, err: (error as Error).message }, 'could not cull server');
      }
    }
    return ended;
  }

  /** Asks the server itself only when the launcher saw no activity for the idle limit. */
  private async reasonFor(session: SessionRecord, routeActivity: Map<string, number>, now: number): Promise<EndReason | null> {
    const limits = { idleTimeoutMs: this.deps.idleTimeoutMs };
    let lastActivity = Math.max(session.createdAt, session.idleFrom ?? 0, routeActivity.get(session.id) ?? 0, this.deps.activity.pendingFor(session.id) ?? 0);
    const reason = cullReason(session, lastActivity, now, limits);
    if (reason !== 'idle') return reason;
    const reported = await this.deps.probe(session).catch(() => null);
    if (reported) lastActivity = Math.max(lastActivity, reported.getTime());
    return cullReason(session, lastActivity, now, limits);
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

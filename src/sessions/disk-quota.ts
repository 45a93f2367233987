import type { Logger } from '../log/logger.js';
import type { ServerDiskUse } from '../runtime/server-disk-usage.js';
import type { PersistentServerControl } from './persistent-server-control.js';
import type { SessionManager } from './session-manager.js';
import type { SessionStore } from './session-store.js';

export interface HomeQuotaDeps {
  /** The running servers that have a home volume (attendees'), with their volume. */
  running(): Promise<Array<{ id: string; volume: string }>>;
  usage(volumes: string[]): Promise<Map<string, number>>;
  intervalMs: number;
  /** After a stop for the home's size, how long the reopened server runs so its owner can delete files. */
  graceMs: number;
  now?: () => number;
}

export interface DiskQuotaDeps {
  usage: { overLimit(maxBytes: number): Promise<ServerDiskUse[]> };
  sessions: SessionStore;
  manager: SessionManager;
  persistent?: PersistentServerControl;
  logger: Logger;
  maxMb: number;
  intervalMs: number;
  homes?: HomeQuotaDeps;
}

/**
 * Ends servers that wrote more than `server.diskMb`: an ephemeral one is ended (its old link
 * says why), an attendee's is stopped with its files kept. Passes never overlap.
 *
 * An attendee's home volume is held to the same limit, measured less often (it costs a helper
 * container for all of them). Past it, the server stops; reopened, it runs for a grace period
 * so its owner can delete files (the files are theirs: locking them out would lose their work),
 * then stops again if the home is still too large. Past twice the limit it stops at once, grace
 * or not, so the host's disk is never the price of the grace.
 */
export class DiskQuota {
  private timer: NodeJS.Timeout | undefined;
  private homeTimer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private homesRunning: Promise<number> | undefined;
  /** Servers stopped for their home's size: the next time they run over it, they get a grace period. */
  private readonly owedGrace = new Set<string>();
  private readonly graceUntil = new Map<string, number>();

  constructor(private readonly deps: DiskQuotaDeps) {}

  checkOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { usage, sessions, manager, persistent, logger, maxMb } = this.deps;
    let ended = 0;
    for (const { id, bytes } of await usage.overLimit(maxMb * 1024 * 1024)) {
      const session = await sessions.get(id);
      if (!session) continue;
      logger.warn({ session: id, mb: Math.round(bytes / 1024 / 1024), limitMb: maxMb }, 'server over its disk limit');
      if (session.owner && persistent) await persistent.stop(id, 'disk-limit');
      else await manager.end(id, 'disk-limit');
      ended += 1;
    }
    return ended;
  }

  checkHomesOnce(): Promise<number> {
    this.homesRunning ??= this.homesPass().finally(() => { this.homesRunning = undefined; });
    return this.homesRunning;
  }

  private async homesPass(): Promise<number> {
    const { homes, persistent, logger, maxMb } = this.deps;
    if (!homes || !persistent) return 0;
    const now = homes.now ?? Date.now;
    const limit = maxMb * 1024 * 1024;
    const running = await homes.running();
    const sizes = await homes.usage(running.map((server) => server.volume));
    let stopped = 0;
    for (const { id, volume } of running) {
      const bytes = sizes.get(volume);
      if (bytes === undefined) continue;
      if (bytes <= limit) {
        this.owedGrace.delete(id);
        this.graceUntil.delete(id);
        continue;
      }
      const until = this.graceUntil.get(id);
      if (bytes <= 2 * limit) {
        if (until === undefined && this.owedGrace.delete(id)) {
          this.graceUntil.set(id, now() + homes.graceMs);
          logger.info({ session: id, mb: Math.round(bytes / 1024 / 1024), limitMb: maxMb }, 'home over its disk limit again: a grace period to delete files');
          continue;
        }
        if (until !== undefined && now() < until) continue;
      }
      logger.warn({ session: id, mb: Math.round(bytes / 1024 / 1024), limitMb: maxMb }, 'home volume over its disk limit');
      this.graceUntil.delete(id);
      this.owedGrace.add(id);
      await persistent.stop(id, 'home-limit');
      stopped += 1;
    }
    return stopped;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.checkOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'disk check failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
    if (this.deps.homes) {
      this.homeTimer = setInterval(() => {
        this.checkHomesOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'home disk check failed'));
      }, this.deps.homes.intervalMs);
      this.homeTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.homeTimer) clearInterval(this.homeTimer);
    await Promise.all([this.running?.catch(() => undefined), this.homesRunning?.catch(() => undefined)]);
  }
}

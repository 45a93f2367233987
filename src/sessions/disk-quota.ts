import type { Logger } from '../log/logger.js';
import type { ServerDiskUse } from '../runtime/server-disk-usage.js';
import type { PersistentServerControl } from './persistent-server-control.js';
import type { SessionManager } from './session-manager.js';
import type { SessionStore } from './session-store.js';

export interface DiskQuotaDeps {
  usage: { overLimit(maxBytes: number): Promise<ServerDiskUse[]> };
  sessions: SessionStore;
  manager: SessionManager;
  persistent?: PersistentServerControl;
  logger: Logger;
  maxMb: number;
  intervalMs: number;
}

/**
 * Ends servers that wrote more than `server.diskMb`: an ephemeral one is ended (its old link
 * says why), an attendee's is stopped with its files kept. Passes never overlap.
 */
export class DiskQuota {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

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

  start(): void {
    this.timer = setInterval(() => {
      this.checkOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'disk check failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

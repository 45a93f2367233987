import type { Logger } from '../log/logger.js';
import type { RouteStore } from './route-store.js';

/**
 * Collects "this route was used at time T" in memory and writes the latest time per route to
 * the store in one batch per interval, so proxied requests never wait on Redis.
 */
export class ActivityRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: RouteStore, private readonly logger: Logger, private readonly flushIntervalMs = 1000) {}

  touch(id: string, now = Date.now()): void {
    this.pending.set(id, now);
  }

  /** The newest activity seen here but not yet written. */
  pendingFor(id: string): number | undefined {
    return this.pending.get(id);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.recordActivity(batch);
    } catch (error) {
      for (const [id, time] of batch) if ((this.pending.get(id) ?? 0) < time) this.pending.set(id, time);
      this.logger.warn({ err: (error as Error).message, routes: batch.size }, 'could not record activity; will retry');
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

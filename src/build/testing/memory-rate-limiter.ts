import type { RateLimiter } from '../rate-limiter.js';

/** Fixed-window counters in memory, like RedisRateLimiter. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const now = this.now();
    const window = Math.floor(now / windowMs);
    const counter = `${key}:${window}`;
    const count = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, count);
    return { allowed: count <= limit, retryAfterMs: (window + 1) * windowMs - now };
  }
}

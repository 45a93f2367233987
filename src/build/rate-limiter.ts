/** Counts events per key in fixed windows (Redis in production). */
export interface RateLimiter {
  /** Counts one event; resolves whether it is within `limit` for the current window. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

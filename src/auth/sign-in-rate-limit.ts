import type { RateLimiter } from '../build/rate-limiter.js';
import { LauncherError } from '../errors/launcher-error.js';

const minuteMs = 60_000;

/**
 * Counts one sign-in attempt (organizer token, invite link or the workshop sign-in form) from
 * `clientIp`, and refuses it past `attemptsPerMinute`.
 */
export async function countSignInAttempt(limiter: RateLimiter, clientIp: string, attemptsPerMinute: number): Promise<void> {
  const { allowed, retryAfterMs } = await limiter.hit(`sign-in:${clientIp}`, attemptsPerMinute, minuteMs);
  if (!allowed) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new LauncherError(429, 'sign-in-rate-limit', `Too many sign-in attempts from your address in the last minute (at most ${attemptsPerMinute}). Wait ${seconds} seconds and try again.`, { details: { retryAfterSeconds: seconds } });
  }
}

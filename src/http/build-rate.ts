import { LauncherError } from '../errors/launcher-error.js';
import type { AppDeps } from './context.js';

const hourMs = 3600_000;

/** Counts one new build (or dry run: it clones too) against the client address's hourly limit. */
export async function checkBuildRate(deps: Pick<AppDeps, 'config' | 'rateLimiter'>, ip: string): Promise<void> {
  const limit = deps.config.policy.buildsPerIpPerHour;
  if (limit === 0) return;
  const { allowed, retryAfterMs } = await deps.rateLimiter.hit(`build:${ip}`, limit, hourMs);
  if (!allowed) {
    throw new LauncherError(429, 'build-rate-limit', `Your address has started ${limit} new image builds this hour, the most allowed. Try again in ${Math.ceil(retryAfterMs / 60_000)} minutes; repositories that are already built still launch.`);
  }
}

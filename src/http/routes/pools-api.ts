import Router from '@koa/router';
import type { Context } from 'koa';
import { authenticateOrganizer } from '../../auth/organizer-auth.js';
import type { PoolStatus } from '../../pools/pool-manager.js';
import type { AppDeps } from '../context.js';

/** What anyone may see of the warm pools: how many servers wait, with no pool's name or image. */
export interface PoolTotals {
  ready: number;
  starting: number;
  size: number;
}

export function poolTotals(pools: Record<string, PoolStatus>): PoolTotals {
  const totals: PoolTotals = { ready: 0, starting: 0, size: 0 };
  for (const pool of Object.values(pools)) {
    totals.ready += pool.ready;
    totals.starting += pool.starting;
    totals.size += pool.size;
  }
  return totals;
}

/**
 * The pools as the caller may see them: organizers get each pool (its key names a workshop
 * warming up, or a repo, and its image); anyone else only the totals, so the public answer does
 * not say which workshops are about to start. Undefined without pools.
 */
export async function poolsView(ctx: Context, deps: Pick<AppDeps, 'pools' | 'workshopStores'>): Promise<Record<string, PoolStatus> | PoolTotals | undefined> {
  const status = await deps.pools?.status();
  if (!status) return undefined;
  return (await authenticateOrganizer(ctx, deps.workshopStores)) ? status : poolTotals(status);
}

/** `GET /api/pools` (the warm pools, as in /health) and `GET /api/launch-queue` (for the launch page while it waits). */
export function poolsApi(deps: AppDeps): Router {
  const router = new Router();

  router.get('/api/pools', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await poolsView(ctx, deps)) ?? {};
  });

  router.get('/api/launch-queue', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = deps.pools?.startQueue() ?? { running: 0, waiting: 0 };
  });

  return router;
}

import Router from '@koa/router';
import type { AppDeps } from '../context.js';
import { poolsView } from './pools-api.js';
import type { NetworkCheck } from '../../network/sandbox-guard.js';

const checkTimeoutMs = 2000;

async function check(run: () => Promise<unknown>): Promise<{ ok: boolean; message?: string }> {
  try {
    await Promise.race([run(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs).unref())]);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function networkCheck(status: NetworkCheck): { ok: boolean; message?: string; via: string } {
  return status.ok ? { ok: true, via: status.via } : { ok: false, message: status.message, via: status.via };
}

/**
 * `GET /health`: 200 when Docker and Redis answer, the notebook network is fenced in and builds
 * have their limits; 503 naming the failing check otherwise (its message says what is missing
 * and how to fix it).
 */
export function healthRoutes(deps: AppDeps): Router {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const [docker, redis, builds] = await Promise.all([
      check(() => deps.spawner.ping()),
      check(() => deps.redis.ping()),
      // Builds without their process and disk limits are refused: say so here too.
      check(async () => {
        const problem = await deps.builder.limitsProblem();
        if (problem !== null) throw new Error(problem);
      }),
    ]);
    const network = deps.network ? networkCheck(deps.network.status) : undefined;
    const checks = { docker, redis, builds, ...(network ? { network } : {}) };
    const failing = Object.entries(checks).filter(([, result]) => !result.ok).map(([name]) => name);
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: failing.length === 0 ? 'ok' : 'unhealthy',
      ...(failing.length > 0 ? { message: `Failing: ${failing.join(', ')}` } : {}),
      checks,
      routes: deps.routes.size,
      pools: await poolsView(ctx, deps).catch(() => undefined),
    };
  });
  return router;
}

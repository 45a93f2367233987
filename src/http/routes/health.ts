import Router from '@koa/router';
import type { AppDeps } from '../context.js';

const checkTimeoutMs = 2000;

async function check(run: () => Promise<unknown>): Promise<{ ok: boolean; message?: string }> {
  try {
    await Promise.race([run(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs).unref())]);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** `GET /health`: 200 when Docker and Redis answer and builds have their limits, 503 naming the failing check otherwise. */
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
    const failing = Object.entries({ docker, redis, builds }).filter(([, result]) => !result.ok).map(([name]) => name);
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: failing.length === 0 ? 'ok' : 'unhealthy',
      ...(failing.length > 0 ? { message: `Failing: ${failing.join(', ')}` } : {}),
      checks: { docker, redis, builds },
      routes: deps.routes.size,
      pools: await deps.pools?.status().catch(() => undefined),
    };
  });
  return router;
}

import Router from '@koa/router';
import type { AppDeps } from '../context.js';

/** `GET /api/pools` (the warm pools, as in /health) and `GET /api/launch-queue` (for the launch page while it waits). */
export function poolsApi(deps: AppDeps): Router {
  const router = new Router();

  router.get('/api/pools', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await deps.pools?.status()) ?? {};
  });

  router.get('/api/launch-queue', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = deps.pools?.startQueue() ?? { running: 0, waiting: 0 };
  });

  return router;
}

import Router from '@koa/router';
import type { Context } from 'koa';
import { LauncherError } from '../../errors/launcher-error.js';
import { clientIp, type AppDeps } from '../context.js';
import { serverUrl } from '../server-urls.js';

function tokenFrom(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
  if (match) return match[1];
  const query = ctx.query.token;
  return typeof query === 'string' ? query : undefined;
}

function validId(id: string): string {
  if (!/^[a-z0-9]{6,64}$/.test(id)) throw new LauncherError(404, 'no-such-session', 'No running server has this id and token. Check both, or launch a new server.');
  return id;
}

/** `POST /api/sessions`, `GET|DELETE /api/sessions/<id>` (the session's token required). */
export function sessionsApi(deps: AppDeps): Router {
  const router = new Router({ prefix: '/api/sessions' });

  router.post('/', async (ctx) => {
    const launched = await deps.manager.launch(clientIp(ctx));
    ctx.status = 201;
    ctx.body = {
      id: launched.id,
      url: serverUrl(ctx, deps.config, launched.id),
      token: launched.token,
      expiresAt: new Date(launched.expiresAt).toISOString(),
    };
  });

  router.get('/:id', async (ctx) => {
    const record = await deps.manager.authorize(validId(ctx.params.id!), tokenFrom(ctx));
    const route = await deps.routes.get(record.id);
    ctx.body = {
      id: record.id,
      url: serverUrl(ctx, deps.config, record.id),
      image: record.image,
      createdAt: new Date(record.createdAt).toISOString(),
      expiresAt: new Date(record.expiresAt).toISOString(),
      lastActivity: new Date(Math.max(route?.lastActivity ?? 0, record.createdAt)).toISOString(),
      state: await deps.spawner.poll(record.id),
    };
  });

  router.delete('/:id', async (ctx) => {
    const record = await deps.manager.authorize(validId(ctx.params.id!), tokenFrom(ctx));
    await deps.manager.end(record.id, 'deleted');
    ctx.status = 204;
  });

  return router;
}

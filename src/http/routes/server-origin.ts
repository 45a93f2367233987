import type { Context, Next } from 'koa';
import type { Config } from '../../config/schema.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { serverIdFromPath } from '../../proxy/server-path.js';
import { launcherLink, serverOrigin } from '../server-urls.js';

/**
 * On the launcher's origin, once servers have their own: a server's address leads there
 * (307, path and query kept, so a POST stays a POST). Nothing of a server is served here.
 */
export function redirectToServerOrigin(config: Config) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const id = serverIdFromPath(ctx.path);
    if (!id) return next();
    ctx.status = 307;
    ctx.redirect(`${serverOrigin(config, id)}${ctx.url}`);
  };
}

/**
 * On the server origin, past the servers and the hand-off: `/` and the stylesheet (which the
 * pages shown here use) lead to the launcher; nothing else is here, neither pages nor the API.
 */
export function serverOriginElsewhere(config: Config) {
  return (ctx: Context): void => {
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && (ctx.path === '/' || ctx.path.startsWith('/static/'))) {
      ctx.status = 307;
      ctx.redirect(launcherLink(config, ctx.path));
      return;
    }
    throw new LauncherError(404, 'not-found', `This address serves notebook servers only (/s/<id>/). The launcher's pages are at ${launcherLink(config, '/')}.`);
  };
}

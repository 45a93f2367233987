import Router from '@koa/router';
import { LauncherError } from '../../errors/launcher-error.js';
import { clientIp, type AppDeps } from '../context.js';
import { readStatic, renderPage, staticFiles } from '../pages.js';
import { serverLocation } from '../server-urls.js';

/** The home page, the launch page (and its no-JavaScript form), and the static files. */
export function pageRoutes(deps: AppDeps): Router {
  const router = new Router();
  const { config } = deps;

  router.get('/', async (ctx) => {
    ctx.type = 'html';
    ctx.body = renderPage('home', 'Launch a notebook', {
      idleMinutes: Math.round(config.cull.idleTimeoutSeconds / 60),
      maxAgeHours: Math.round((config.cull.maxAgeSeconds / 3600) * 10) / 10,
      running: (await deps.sessions.list()).length,
      capacity: config.capacity.maxServers,
    });
  });

  router.get('/launch', (ctx) => {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = renderPage('launch', 'Starting your server');
  });

  router.post('/launch', async (ctx) => {
    const launched = await deps.manager.launch(clientIp(ctx));
    ctx.status = 303;
    ctx.redirect(serverLocation(config, launched.id, `tree?token=${encodeURIComponent(launched.token)}`));
  });

  router.get(['/static/:name', '/static/vendor/:name'], (ctx) => {
    const name = ctx.path.slice('/static/'.length);
    const content = readStatic(name);
    if (!content) throw new LauncherError(404, 'not-found', `There is no file called ${name} here.`);
    ctx.type = staticFiles[name]!.type;
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = content;
  });

  return router;
}

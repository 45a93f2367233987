import Koa from 'koa';
import { safePath } from '../log/logger.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Forwarder } from '../proxy/forwarder.js';
import type { AppDeps } from './context.js';
import { errorHandler } from './error-handler.js';
import { knownHostsOnly, launcherHostOnly } from './launcher-host.js';
import { binderRoutes } from './routes/binder.js';
import { healthRoutes } from './routes/health.js';
import { buildPlanApi, reposApi } from './routes/repos-api.js';
import { pageRoutes } from './routes/pages.js';
import { poolsApi } from './routes/pools-api.js';
import { serverHandoffRoute } from './routes/server-handoff.js';
import { redirectToServerOrigin, serverOriginElsewhere } from './routes/server-origin.js';
import { serverProxy } from './routes/server-proxy.js';
import { sessionsApi } from './routes/sessions-api.js';
import { workshopRouters } from './routes/workshop-routers.js';

/** A Koa app with the request log and the one error handler. */
function baseApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.trustProxy });
  app.silent = true;
  app.use(async (ctx, next) => {
    const started = Date.now();
    await next();
    if (ctx.respond !== false) {
      deps.logger.debug({ method: ctx.method, path: safePath(ctx.url), status: ctx.status, ms: Date.now() - started }, 'request');
    }
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/** The launcher's own origin: pages, the API, and (without a server origin) the servers. */
export function createApp(deps: AppDeps, forwarder: Forwarder): Koa {
  const app = baseApp(deps);
  if (deps.launcherHost) app.use(launcherHostOnly(deps.launcherHost, deps.config.publicUrl));
  else if (!deps.config.publicUrl) app.use(knownHostsOnly(deps.config));
  app.use(deps.config.serverOrigin ? redirectToServerOrigin(deps.config) : serverProxy(deps, forwarder));
  app.use(binderRoutes(deps));
  app.use(buildPlanApi(deps));
  app.use(poolsApi(deps).routes());
  for (const router of [pageRoutes(deps), sessionsApi(deps), reposApi(deps), healthRoutes(deps), ...workshopRouters(deps)]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  app.use((ctx) => {
    throw new LauncherError(404, 'not-found', `There is nothing at ${ctx.path}. Check the address, or start from the home page.`);
  });
  return app;
}

/** The server origin (`serverOrigin`): the hand-off and the servers, nothing else. */
export function createServerOriginApp(deps: AppDeps, forwarder: Forwarder): Koa {
  const app = baseApp(deps);
  app.use(serverHandoffRoute(deps));
  app.use(serverProxy(deps, forwarder));
  app.use(serverOriginElsewhere(deps.config));
  return app;
}

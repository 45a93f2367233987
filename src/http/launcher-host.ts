import type { Middleware } from 'koa';
import { isLoopbackHostname } from '../config/origins.js';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import { publicBaseUrl } from './context.js';

/**
 * When the launcher chose its own address (no publicUrl: `http://localhost:<port>`), its origin
 * answers on that host only. A loopback address (127.0.0.1, [::1]) is sent there (308, method
 * and body kept): sign-in cookies and the servers' `<id>.localhost` origins hang on that name.
 * Any other host is refused, so neither a forged Host nor a DNS name rebound to this machine
 * gets the launcher's pages.
 */
export function launcherHostOnly(launcherHost: string, publicUrl: string): Middleware {
  return async (ctx, next) => {
    if (ctx.host.toLowerCase() === launcherHost) {
      await next();
      return;
    }
    if (isLoopbackHostname(ctx.hostname)) {
      ctx.status = 308;
      ctx.redirect(`${publicUrl}${ctx.url}`);
      return;
    }
    throw new LauncherError(421, 'unknown-host', `This launcher serves this machine only, at ${publicUrl}; it does not answer as ${ctx.host}. To serve it to others, set publicUrl (NBLAUNCH_PUBLIC_URL) and serverOrigin (NBLAUNCH_SERVER_ORIGIN).`);
  };
}

/**
 * With no address to name (servers on the launcher's origin by choice, no publicUrl): the
 * launcher's pages and API answer only hosts it knows it answers on (`publicBaseUrl`), so a
 * request under another name is refused before it starts anything whose answer has a link.
 */
export function knownHostsOnly(config: Pick<Config, 'publicUrl' | 'host'>): Middleware {
  return async (ctx, next) => {
    publicBaseUrl(ctx, config);
    await next();
  };
}

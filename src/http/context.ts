import type { Context } from 'koa';
import { isLoopbackHostname } from '../config/origins.js';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { SessionManager } from '../sessions/session-manager.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { RouteTable } from '../proxy/route-table.js';
import type { Spawner } from '../runtime/spawner.js';
import type { Logger } from '../log/logger.js';
import type { RedisClient } from '../store/redis-connection.js';
import type { Builder } from '../build/builder.js';
import type { ImageUsage } from '../build/image-usage.js';
import type { RateLimiter } from '../build/rate-limiter.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';
import type { PoolManager } from '../pools/pool-manager.js';
import type { ServerAccess } from '../auth/server-access.js';
import type { ServerHandoffStore } from '../auth/server-handoff-store.js';
import type { PersistentServerStore } from '../persistent/persistent-server-store.js';
import type { WorkshopWarmer } from '../warmup/workshop-warmer.js';
import type { WorkshopServers } from '../persistent/workshop-servers.js';
import type { SandboxGuard } from '../network/sandbox-guard.js';

/** What the routers need from the rest of the launcher. */
export interface AppDeps {
  config: Config;
  manager: SessionManager;
  sessions: SessionStore;
  routes: RouteTable;
  spawner: Spawner;
  redis: RedisClient;
  logger: Logger;
  builder: Builder;
  imageUsage: ImageUsage;
  rateLimiter: RateLimiter;
  workshopStores: WorkshopStores;
  workshopServers: WorkshopServers;
  warmer: Pick<WorkshopWarmer, 'status' | 'warmNow'>;
  /** Persistent servers, running or stopped: the proxy explains a stopped one to its owner. */
  persistentServers: PersistentServerStore;
  /** Who may reach a persistent server. */
  serverAccess: ServerAccess;
  /** One-time hand-offs to the server origin, and the grants they leave there (with `serverOrigin`). */
  serverHandoffs: ServerHandoffStore;
  binder?: { keepaliveMs: number };
  /** The only host the launcher's origin answers on, when it chose its own address (see launcher-host.ts). */
  launcherHost?: string;
  pools?: Pick<PoolManager, 'status' | 'startQueue'>;
  /** Whether notebooks and builds are fenced in (the network and its firewall rules). */
  network?: Pick<SandboxGuard, 'status'>;
}

/** Host names the launcher knows it answers on without a publicUrl: this machine's, and the address it is bound to. */
function isKnownHostname(hostname: string, config: Pick<Config, 'host'>): boolean {
  const bound = config.host.toLowerCase();
  return isLoopbackHostname(hostname) || (!['0.0.0.0', '::', '[::]'].includes(bound) && hostname.toLowerCase().replace(/^\[|\]$/g, '') === bound.replace(/^\[|\]$/g, ''));
}

/**
 * The launcher's public base URL, the start of every link it writes (invites, shares, servers):
 * `publicUrl` (set, or chosen at start-up). Only when neither says it (servers on the launcher's
 * origin by `allowServersOnLauncherOrigin`) is the request's host used, and then only a host the
 * launcher knows it answers on: a forged Host must not put someone else's address in a link.
 */
export function publicBaseUrl(ctx: Context, config: Pick<Config, 'publicUrl' | 'host'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  if (isKnownHostname(ctx.hostname, config)) return `${ctx.protocol}://${ctx.host}`;
  throw new LauncherError(421, 'unknown-host', `This launcher does not know the address ${ctx.host}, so it writes no links with it. Open it at http://localhost or the address it is bound to, or set publicUrl (NBLAUNCH_PUBLIC_URL) to the address people use.`);
}

export function clientIp(ctx: Context): string {
  return ctx.ip.replace(/^::ffff:/, '') || 'unknown';
}

import type { Context } from 'koa';
import type { Config } from '../config/schema.js';
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
  pools?: Pick<PoolManager, 'status' | 'startQueue'>;
  /** Whether notebooks and builds are fenced in (the network and its firewall rules). */
  network?: Pick<SandboxGuard, 'status'>;
}

export function publicBaseUrl(ctx: Context, config: Config): string {
  return (config.publicUrl || `${ctx.protocol}://${ctx.host}`).replace(/\/+$/, '');
}

export function clientIp(ctx: Context): string {
  return ctx.ip.replace(/^::ffff:/, '') || 'unknown';
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config } from './config/schema.js';
import { ConfigError, redactConfig } from './config/load.js';
import { effectiveOrigins, originSettingsProblem } from './config/origins.js';
import type Koa from 'koa';
import { createApp, createServerOriginApp } from './http/app.js';
import { byOrigin, sameOriginWarning } from './http/origin-dispatch.js';
import type { AppDeps } from './http/context.js';
import { serveOnOwnHost, upgradeOnOwnHost } from './http/server-host.js';
import { ConnectionGuard, connectionLimits } from './http/connection-guard.js';
import { openFilesLimit } from './http/open-files-limit.js';
import { forwardFailureResponder, refuseUpgrade, upgradeHandler } from './http/routes/server-proxy.js';
import { createLogger, type Logger } from './log/logger.js';
import { ActivityRecorder } from './proxy/activity-recorder.js';
import { Forwarder } from './proxy/forwarder.js';
import { RouteTable } from './proxy/route-table.js';
import { builderFromConfig } from './build/builder-from-config.js';
import { RedisImageUsage } from './store/redis-image-usage.js';
import { RedisRateLimiter } from './store/redis-rate-limiter.js';
import { DockerSpawner } from './runtime/docker-spawner.js';
import { DockerSandboxNetwork } from './runtime/sandbox-network.js';
import { hostReachableFromSandbox } from './runtime/sandbox-probe.js';
import { installFirewall } from './network/firewall.js';
import { firewallPlan } from './network/firewall-plan.js';
import { SandboxGuard } from './network/sandbox-guard.js';
import { fetchJupyterStatus } from './runtime/jupyter-status.js';
import type { HomeVolumes } from './runtime/home-volumes.js';
import type { Spawner } from './runtime/spawner.js';
import { Culler } from './sessions/culler.js';
import { DiskQuota } from './sessions/disk-quota.js';
import { ServerDiskUsage } from './runtime/server-disk-usage.js';
import { poolDefinitions } from './pools/pool-definitions.js';
import { PoolManager } from './pools/pool-manager.js';
import { ServerStarter } from './sessions/server-starter.js';
import { RedisPoolStore } from './store/redis-pool-store.js';
import { Reconciler } from './sessions/reconciler.js';
import { SessionManager } from './sessions/session-manager.js';
import type { WarmPools } from './sessions/warm-pools.js';
import { EmbeddedRedis } from './store/embedded-redis.js';
import { sweepAbandonedCheckouts } from './repos/abandoned-checkouts.js';
import { tmpdir } from 'node:os';
import { connectRedis } from './store/redis-connection.js';
import { RedisRouteStore } from './store/redis-route-store.js';
import { RedisSessionStore } from './store/redis-session-store.js';
import { redisWorkshopStores } from './store/redis-workshop-stores.js';
import { organizerAuthorization } from './auth/organizer-bearer.js';
import { loadSecretKey, secretKeyPath } from './auth/secret-key-file.js';
import { TokenSealer } from './auth/token-sealer.js';
import { assertSameSecretKey } from './store/secret-key-check.js';
import { ensureFirstOrganizerToken } from './auth/first-organizer-token.js';
import { ServerAccess } from './auth/server-access.js';
import { proxyFastPath } from './http/proxy-fast-path.js';
import { PersistentServers } from './persistent/persistent-servers.js';
import { BuiltWorkshopImages } from './persistent/workshop-images.js';
import { WorkshopServers } from './persistent/workshop-servers.js';
import { WorkshopWarmer } from './warmup/workshop-warmer.js';
import { DockerHomeVolumes } from './runtime/docker-home-volumes.js';
import { RedisPersistentServerStore } from './store/redis-persistent-server-store.js';
import { RedisServerHandoffStore } from './store/redis-server-handoff-store.js';

export interface LauncherOptions {
  logger?: Logger;
  spawner?: Spawner;
  /** Replaces the notebook command of every server (tests make failing servers with it). */
  serverCommand?: string[];
  activityFlushMs?: number;
  shutdownGraceMs?: number;
  /** How often build event streams send a keepalive comment (BinderHub: 25 s). */
  keepaliveMs?: number;
  /** Where a newly created first organizer token is announced (stdout by default, never the log). */
  print?: (text: string) => void;
  /** Attendees' home volumes (Docker's by default). */
  volumes?: HomeVolumes;
  /** Install the notebook network's firewall rules at start (needs root; tests do, deployments run setup). */
  installFirewall?: boolean;
}

export interface RunningLauncher {
  url: string;
  port: number;
  deps: AppDeps;
  culler: Culler;
  reconciler: Reconciler;
  activity: ActivityRecorder;
  pools: PoolManager;
  warmer: WorkshopWarmer;
  /** Whether the notebook network is fenced in (reported in /health). */
  network: SandboxGuard;
  close(): Promise<void>;
}

/** A launcher that cannot listen says which setting to change, not Node's error code. */
export class ListenError extends Error {
  override name = 'ListenError';
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const where = `port ${port} on ${host}`;
      if (error.code === 'EADDRINUSE') {
        reject(new ListenError(`${where} is already in use (another nblaunch, or another program). Stop it, or choose another port with PORT or the port setting.`, { cause: error }));
      } else if (error.code === 'EACCES') {
        reject(new ListenError(`${where} needs privileges this process does not have (ports below 1024 do). Choose a port from 1024 up with PORT or the port setting, and put a reverse proxy in front for 80/443.`, { cause: error }));
      } else if (error.code === 'EADDRNOTAVAIL') {
        reject(new ListenError(`${host} is not an address of this machine. Set host to one of its addresses (0.0.0.0 for all).`, { cause: error }));
      } else {
        reject(error);
      }
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Builds every part from the configuration, reconciles, and starts serving. */
export async function startLauncher(config: Config, options: LauncherOptions = {}): Promise<RunningLauncher> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const originProblem = originSettingsProblem(config);
  if (originProblem) throw new ConfigError(`Invalid configuration:\n  - ${originProblem}`);
  logger.info({ config: redactConfig(config) }, 'starting nblaunch');
  const embedded = config.redisUrl ? undefined : new EmbeddedRedis(config.dataDir, logger, { adopt: true });
  await embedded?.start();
  try {
    return await startOnRedis(config, options, logger, embedded);
  } catch (error) {
    // A launcher that could not start (its port taken, say) leaves no redis-server of its own behind.
    await embedded?.abandon();
    throw error;
  }
}

async function startOnRedis(config: Config, options: LauncherOptions, logger: Logger, embedded: EmbeddedRedis | undefined): Promise<RunningLauncher> {
  const definitions = poolDefinitions(config);
  const redis = await connectRedis(config.redisUrl || embedded!.url, logger);
  const sandbox = new DockerSandboxNetwork(config.instance);
  const plan = firewallPlan(config);
  const guard = new SandboxGuard({
    plan, logger,
    ensureNetwork: () => sandbox.ensure(),
    probeHost: async () => hostReachableFromSandbox(await sandbox.ensure(), config.image, config.instance),
  });
  if (options.installFirewall) await installFirewall(plan);
  // Reported, not enforced: see docs/architecture.md ("The notebook network").
  await guard.check();
  const spawner = options.spawner ?? new DockerSpawner({ instance: config.instance, logger, network: sandbox, diskMb: config.server.diskMb });
  const sealer = new TokenSealer(loadSecretKey(secretKeyPath(config)));
  await assertSameSecretKey(redis, config.instance, sealer).catch((error: unknown) => {
    redis.destroy();
    throw error;
  });
  const sessions = new RedisSessionStore(redis, config.instance, sealer);
  const routeStore = new RedisRouteStore(redis, config.instance);
  const routes = new RouteTable(routeStore);
  const activity = new ActivityRecorder(routeStore, logger, options.activityFlushMs);
  const starter = new ServerStarter({ spawner, config, ...(options.serverCommand ? { serverCommand: options.serverCommand } : {}) });
  const poolStore = new RedisPoolStore(redis, config.instance, sealer);
  const builder = builderFromConfig(config, logger);
  const swept = await sweepAbandonedCheckouts(config.git.checkoutDir || tmpdir());
  if (swept.length > 0) logger.info({ removed: swept.length }, 'removed checkouts left by a launcher that was killed mid-build');
  const pools = new PoolManager({
    config, definitions, store: poolStore, sessions, starter, spawner, builder, logger,
    isAnswering: async (server) => (await fetchJupyterStatus(server, `/s/${server.id}/`, server.token, 1000)) !== null,
  });
  // Launches make room as attendees' starts do (PersistentServers.makeRoom): pooled servers first, then unclaimed warm ones.
  let persistent: PersistentServers | undefined;
  const launchPools: WarmPools = {
    handOut: (image, clientIp, terms, limits) => pools.handOut(image, clientIp, terms, limits),
    makeRoom: () => (persistent ? persistent.makeRoom() : pools.makeRoom()),
  };
  const manager = new SessionManager({ config, spawner, sessions, routes, logger, starter, pools: launchPools });
  const workshopStores = redisWorkshopStores(redis, config.instance);
  const imageUsage = new RedisImageUsage(redis, config.instance);
  const persistentStore = new RedisPersistentServerStore(redis, config.instance, sealer);
  const homeVolumes = options.volumes ?? new DockerHomeVolumes({
    instance: config.instance, helperImage: config.image, logger, exportTimeoutMs: config.workshops.exportTimeoutSeconds * 1000,
  });
  const workshopImages = new BuiltWorkshopImages({ config, builder, imageUsage, logger });
  persistent = new PersistentServers({
    config, store: persistentStore, workshops: workshopStores.workshops, sessions, routes, spawner, starter, activity, pools, logger,
    images: workshopImages,
    homeVolumes,
  });
  const warmer = new WorkshopWarmer({
    config, sessions, workshops: workshopStores.workshops, attendees: workshopStores.attendees, images: workshopImages, pools,
    servers: persistent, persistentStore, logger,
  });
  const workshopServers = new WorkshopServers({
    servers: persistent, store: persistentStore, sessions, routes, spawner, activity, logger, volumes: homeVolumes,
  });
  const culler = new Culler({
    sessions, routes, activity, manager, logger, persistent,
    probe: async (session) => (await fetchJupyterStatus(session, `/s/${session.id}/`, session.token))?.lastActivity ?? null,
    idleTimeoutMs: config.cull.idleTimeoutSeconds * 1000,
    intervalMs: config.cull.intervalSeconds * 1000,
  });
  const diskQuota = config.server.diskMb > 0
    ? new DiskQuota({
      usage: new ServerDiskUsage(config.instance), sessions, manager, persistent, logger,
      maxMb: config.server.diskMb, intervalMs: config.server.diskCheckSeconds * 1000,
      homes: {
        running: async () => {
          const owned = (await sessions.list()).filter((session) => session.owner);
          const records = await Promise.all(owned.map((session) => persistentStore.get(session.id)));
          return records.flatMap((record) => (record ? [{ id: record.id, volume: record.volume }] : []));
        },
        usage: (volumes) => homeVolumes.usage(volumes),
        intervalMs: config.server.homeCheckSeconds * 1000,
        graceMs: config.server.homeGraceSeconds * 1000,
      },
    })
    : undefined;
  const reconciler = new Reconciler({
    spawner, sessions, routes, manager, logger, pools: poolStore, persistent,
    staleReservationMs: (config.server.startTimeoutSeconds + 30) * 1000,
    intervalMs: config.reconcile.intervalSeconds * 1000,
  });
  await routes.start((error) => logger.warn({ err: error.message }, 'could not reload the routes after a Redis reconnect'));
  await reconciler.reconcileOnce().catch((error: Error) => logger.error({ err: error.message }, 'start-up reconcile failed; will retry on the timer'));

  // The server listens first: without a publicUrl the launcher's and the servers' addresses carry its port.
  const server = createServer({
    headersTimeout: config.http.headersTimeoutSeconds * 1000,
    requestTimeout: config.http.requestTimeoutSeconds * 1000,
    connectionsCheckingInterval: Math.min(30_000, config.http.headersTimeoutSeconds * 250),
  });
  server.keepAliveTimeout = config.http.keepAliveTimeoutSeconds * 1000;
  const limits = connectionLimits(config, openFilesLimit());
  new ConnectionGuard(limits, logger).attach(server);
  if (limits.maxConnections > limits.fdSafe) {
    logger.warn({ maxConnections: limits.maxConnections, openFilesLimit: openFilesLimit() }, 'http.maxConnections is close to the open-files limit: a flood of connections could leave none for Redis, Docker and git; raise the limit (LimitNOFILE, ulimit -n)');
  }
  const upgraded = new Set<Duplex>();
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    await routes.stop();
    redis.destroy();
    throw error;
  }
  // From here to the handlers' attachment nothing awaits, so no request arrives before them.
  const origins = effectiveOrigins(config, port);
  const httpConfig: Config = { ...config, publicUrl: origins.publicUrl, serverOrigin: origins.serverOrigin };
  const serverHandoffs = new RedisServerHandoffStore(redis, config.instance, sealer);
  const deps: AppDeps = {
    config: httpConfig, manager, sessions, routes, spawner, redis, logger,
    builder,
    pools,
    imageUsage,
    rateLimiter: new RedisRateLimiter(redis, config.instance),
    workshopStores,
    workshopServers,
    warmer,
    persistentServers: persistentStore,
    serverAccess: new ServerAccess(workshopStores, httpConfig.serverOrigin ? serverHandoffs : undefined),
    serverHandoffs,
    binder: { keepaliveMs: options.keepaliveMs ?? 25_000 },
    ...(origins.launcherHost ? { launcherHost: origins.launcherHost } : {}),
    network: guard,
  };
  const forwarder = new Forwarder({ activity, logger, onFailure: forwardFailureResponder, isLauncherAuthorization: organizerAuthorization(workshopStores.organizerTokens) });
  const fastPath = (koa: Koa) => proxyFastPath({ routes, forwarder, access: deps.serverAccess, koa: koa.callback() });
  // With a server origin, requests are told apart by their Host: servers are served there only.
  const onRequest = httpConfig.serverOrigin
    ? byOrigin(httpConfig, { main: createApp(deps, forwarder).callback(), server: serveOnOwnHost(httpConfig, fastPath(createServerOriginApp(deps, forwarder))) })
    : fastPath(createApp(deps, forwarder));
  const onUpgrade = httpConfig.serverOrigin
    ? byOrigin(httpConfig, { main: refuseUpgrade, server: upgradeOnOwnHost(httpConfig, upgradeHandler(deps, forwarder)) })
    : upgradeHandler(deps, forwarder);
  server.on('request', onRequest);
  server.on('upgrade', (req, socket, head) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    onUpgrade(req, socket, head);
  });
  activity.start();
  culler.start();
  diskQuota?.start();
  reconciler.start();
  pools.start();
  warmer.start();
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = origins.launcherHost ? origins.publicUrl : `http://${shownHost}:${port}`;
  logger.info({ url, ...(httpConfig.serverOrigin ? { serverOrigin: httpConfig.serverOrigin } : {}) }, 'nblaunch is listening');
  if (config.build.network === 'host') {
    logger.warn({ setting: 'build.network', env: 'NBLAUNCH_BUILD_NETWORK' }, 'build steps run on the host\'s network: every repo built can reach the host\'s services, private networks and the cloud metadata address; use it only if you trust every repo');
  }
  const sameOrigin = sameOriginWarning(httpConfig);
  if (sameOrigin) logger.warn({ setting: 'serverOrigin', env: 'NBLAUNCH_SERVER_ORIGIN' }, sameOrigin);
  await ensureFirstOrganizerToken(deps.workshopStores.organizerTokens, {
    configuredToken: config.auth.organizerToken, signInUrl: `${httpConfig.publicUrl.replace(/\/+$/, '') || url}/organizer/sign-in`, logger,
    ...(options.print ? { print: options.print } : {}),
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const graceMs = options.shutdownGraceMs ?? 10_000;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response ends; close them as they do.
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }, graceMs);
      for (const socket of upgraded) socket.end();
      await drained;
      clearTimeout(timer);
      clearInterval(idleSweep);
      await Promise.all([culler.stop(), diskQuota?.stop(), reconciler.stop(), warmer.stop(), pools.stop()]);
      await activity.stop();
      await routes.stop();
      await forwarder.close();
      redis.destroy();
      await embedded?.stop();
      logger.info('nblaunch stopped; notebook servers keep running');
    })();
    return closing;
  };
  return { url, port, deps, culler, reconciler, activity, pools, warmer, network: guard, close };
}

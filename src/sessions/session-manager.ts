import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { RouteTable } from '../proxy/route-table.js';
import { serverBaseUrl } from '../proxy/server-path.js';
import type { ServerHandle, Spawner } from '../runtime/spawner.js';
import { newServerToken, newSessionId } from './ids.js';
import { ServerStarter } from './server-starter.js';
import type { EndReason, SessionRecord, SessionStore } from './session-store.js';
import type { WarmPools } from './warm-pools.js';

// Well under the reconciler's stale-reservation limit (startTimeoutSeconds + 30 s).
const renewReservationMs = 10_000;

export interface LaunchedSession {
  id: string;
  /** Path of the server under the launcher, e.g. `/s/<id>/`. */
  path: string;
  token: string;
  expiresAt: number;
}

export interface LaunchOptions {
  /** The image to start; the configured default image otherwise. */
  image?: string;
  labels?: Record<string, string>;
  /** The repo's display name; with `repoQuota` > 0, at most that many of its servers run at once. */
  repo?: string;
  repoQuota?: number;
}

export interface SessionManagerDeps {
  config: Pick<Config, 'image' | 'server' | 'cull' | 'capacity'>;
  spawner: Spawner;
  sessions: SessionStore;
  routes: RouteTable;
  logger: Logger;
  /** Replaces the notebook command of every server (tests use it to make failing servers). */
  serverCommand?: string[];
  /** The one queue of server starts, shared with the pools; a private one otherwise. */
  starter?: ServerStarter;
  /** Warm pools: a launch takes a ready server of its image first. */
  pools?: WarmPools;
  now?: () => number;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Launches and ends anonymous servers: capacity, the container, the route and the record. */
export class SessionManager {
  readonly starter: ServerStarter;
  private readonly now: () => number;

  constructor(private readonly deps: SessionManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.starter = deps.starter ?? new ServerStarter({
      spawner: deps.spawner, config: deps.config, ...(deps.serverCommand ? { serverCommand: deps.serverCommand } : {}),
    });
  }

  /** A ready pooled server of the image when there is one (two Redis round trips), a cold start otherwise. */
  async launch(clientIp: string, options: LaunchOptions = {}): Promise<LaunchedSession> {
    const image = options.image ?? this.deps.config.image;
    if (options.repo && options.repoQuota) await this.assertRepoQuota(options.repo, options.repoQuota);
    return (await this.handOut(clientIp, image, options.repo)) ?? this.coldStart(clientIp, image, options);
  }

  private async handOut(clientIp: string, image: string, repo: string | undefined): Promise<LaunchedSession | null> {
    const { pools, config, logger } = this.deps;
    if (!pools) return null;
    const createdAt = this.now();
    const terms = { createdAt, expiresAt: createdAt + config.cull.maxAgeSeconds * 1000, ...(repo ? { repo } : {}) };
    const result = await pools.handOut(image, clientIp, terms, config.capacity);
    if (result.outcome === 'ip-limit') throw ipLimit(config.capacity.maxServersPerIp);
    if (result.outcome !== 'ok') return null;
    const { record } = result;
    try {
      await this.deps.routes.add(record.id, { host: record.host, port: record.port }, this.now());
    } catch (error) {
      await this.end(record.id, 'server-gone').catch(() => undefined);
      throw error;
    }
    logger.info({ session: record.id, image, pool: result.pool }, 'pooled server handed out');
    return { id: record.id, path: serverBaseUrl(record.id), token: record.token, expiresAt: record.expiresAt };
  }

  private async coldStart(clientIp: string, image: string, options: LaunchOptions): Promise<LaunchedSession> {
    const { config, sessions, spawner, logger, pools } = this.deps;
    const id = newSessionId();
    let outcome = await sessions.reserve(id, clientIp, config.capacity);
    // People come before pools: an idle pooled server of another image gives up its slot.
    if (outcome === 'full' && pools && (await pools.makeRoom())) outcome = await sessions.reserve(id, clientIp, config.capacity);
    if (outcome === 'full') {
      throw new LauncherError(429, 'capacity-full', `All ${config.capacity.maxServers} notebook servers are in use right now. A server frees up when someone finishes; try again in a minute.`);
    }
    if (outcome === 'ip-limit') throw ipLimit(config.capacity.maxServersPerIp);
    const token = newServerToken();
    const started = this.now();
    let handle: ServerHandle;
    const renewing = setInterval(() => { sessions.renew(id).catch(() => undefined); }, renewReservationMs);
    renewing.unref();
    try {
      handle = await this.starter.start({ id, image, token, ...(options.labels ? { labels: options.labels } : {}) });
    } catch (error) {
      await sessions.release(id, clientIp).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewing);
    }
    const record: SessionRecord = {
      id, token, image, clientIp, containerId: handle.containerId, host: handle.host, port: handle.port,
      createdAt: started, expiresAt: started + config.cull.maxAgeSeconds * 1000,
      ...(options.repo ? { repo: options.repo } : {}),
    };
    try {
      await sessions.save(record);
      await this.deps.routes.add(id, { host: handle.host, port: handle.port }, this.now());
    } catch (error) {
      await spawner.stop(id, { remove: true }).catch(() => undefined);
      await this.deps.routes.remove(id).catch(() => undefined);
      await sessions.end(id, 'server-gone').catch(() => undefined);
      throw error;
    }
    logger.info({ session: id, image, startMs: this.now() - started }, 'server launched');
    return { id, path: serverBaseUrl(id), token, expiresAt: record.expiresAt };
  }

  /** Refuses a launch when `repo` already has `quota` servers running. */
  async assertRepoQuota(repo: string, quota: number): Promise<void> {
    const running = (await this.deps.sessions.list()).filter((record) => record.repo === repo).length;
    if (running >= quota) {
      throw new LauncherError(429, 'repo-quota', `${repo} already has ${running} servers running, the most this launcher allows for one repository. Try again in a few minutes.`);
    }
  }

  /** The session, if the caller holds its token; a 404 otherwise, so ids cannot be probed. */
  async authorize(id: string, token: string | undefined): Promise<SessionRecord> {
    const record = await this.deps.sessions.get(id);
    if (!record || !token || !sameSecret(token, record.token)) {
      const ended = record ? null : await this.deps.sessions.ended(id);
      if (ended && token) throw new LauncherError(410, 'session-ended', `This server was shut down (${describeEndReason(ended.reason)}).`);
      throw new LauncherError(404, 'no-such-session', 'No running server has this id and token. Check both, or launch a new server.');
    }
    return record;
  }

  /** Ends a session: the route goes first so no request reaches a dying server. */
  async end(id: string, reason: EndReason): Promise<void> {
    const { routes, sessions, spawner, logger } = this.deps;
    await routes.remove(id);
    const record = await sessions.end(id, reason);
    try {
      await spawner.stop(id, { remove: true });
    } catch (error) {
      logger.warn({ session: id, err: (error as Error).message }, 'could not remove the container now; reconcile will');
    }
    if (record) logger.info({ session: id, reason, ageMs: this.now() - record.createdAt }, 'server ended');
  }
}

function ipLimit(maxServersPerIp: number): LauncherError {
  return new LauncherError(429, 'ip-limit', `Your address already has ${maxServersPerIp} notebook servers running, the most allowed. Close one (or wait for it to time out) and try again.`);
}

export function describeEndReason(reason: EndReason): string {
  switch (reason) {
    case 'idle': return 'it had no activity for longer than the idle limit';
    case 'max-age': return 'it reached its maximum lifetime';
    case 'deleted': return 'its owner shut it down';
    case 'server-gone': return 'the notebook server stopped unexpectedly';
    case 'disk-limit': return 'it wrote more to its disk than the limit for each server (server.diskMb)';
  }
}

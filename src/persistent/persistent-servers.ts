import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { ActivityRecorder } from '../proxy/activity-recorder.js';
import type { ServerOwner } from '../proxy/route-store.js';
import type { RouteTable } from '../proxy/route-table.js';
import { serverBaseUrl } from '../proxy/server-path.js';
import { warmUpJupyter } from '../runtime/jupyter-status.js';
import { homeVolumeLabels, labelKeys } from '../runtime/labels.js';
import type { ServerHandle, Spawner } from '../runtime/spawner.js';
import { newServerToken } from '../sessions/ids.js';
import type { PersistentServerControl, StopReason } from '../sessions/persistent-server-control.js';
import type { ServerStarter } from '../sessions/server-starter.js';
import type { SessionRecord, SessionStore } from '../sessions/session-store.js';
import type { WarmPools } from '../sessions/warm-pools.js';
import { workshopEnded } from '../workshops/invite-check.js';
import type { WorkshopStore } from '../workshops/workshop-store.js';
import { isOver, type Workshop } from '../workshops/workshop.js';
import { homeVolumeName, ownerAddress, persistentServerId, type PersistentServer } from './persistent-server.js';
import type { PersistentServerStore } from './persistent-server-store.js';
import { SerialByKey } from './serial-by-key.js';
import type { HomeVolumes } from '../runtime/home-volumes.js';
import type { WorkshopImages } from './workshop-images.js';

// Well under the reconciler's stale-reservation limit, as for launches.
const renewReservationMs = 10_000;

export interface OpenedServer {
  id: string;
  /** `/s/<id>/` */
  path: string;
  token: string;
  /** False when the server was already running. */
  started: boolean;
  /** True the first time the attendee opens it (the workshop's file is there to open), even when it was warmed before. */
  fresh: boolean;
}

export interface PersistentServersDeps {
  config: Pick<Config, 'instance' | 'capacity'>;
  store: PersistentServerStore;
  workshops: Pick<WorkshopStore, 'get'>;
  sessions: SessionStore;
  routes: RouteTable;
  spawner: Spawner;
  starter: ServerStarter;
  images: WorkshopImages;
  /** Brings files new in an updated workshop image into existing home volumes. */
  homeVolumes?: Pick<HomeVolumes, 'addNewFiles'>;
  /** Activity not yet written to the route store counts when a server stops. */
  activity?: Pick<ActivityRecorder, 'pendingFor'>;
  /** An idle pooled server gives up its slot when the launcher is full. */
  pools?: Pick<WarmPools, 'makeRoom'>;
  logger: Logger;
  now?: () => number;
}

/**
 * Workshop attendees' own servers: started or resumed on the attendee's home volume, stopped
 * (container and volume kept) when idle, at the workshop's end or on request. A running one
 * holds a capacity slot and a session record with its owner; a stopped one holds neither.
 * Starts and stops of one server never overlap within this process.
 */
export class PersistentServers implements PersistentServerControl {
  private readonly serial = new SerialByKey();
  private readonly now: () => number;

  constructor(private readonly deps: PersistentServersDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The attendee's server, running: as it is, resumed, or started for the first time. */
  open(workshop: Workshop, owner: ServerOwner): Promise<OpenedServer> {
    if (isOver(workshop, new Date(this.now()))) return Promise.reject(workshopEnded(workshop));
    const id = persistentServerId(owner);
    return this.serial.run(id, async () => this.markOpened((await this.running(id)) ?? (await this.start(workshop, owner, id))));
  }

  /**
   * Starts the server of an attendee who never had one, ahead of the workshop, in the start
   * queue's background lane and without taking a pooled server's slot; idle time counts from
   * the workshop's start. Resolves to false when the attendee already has a server (running or
   * stopped: a warm-up never restarts what idled out).
   */
  warm(workshop: Workshop, owner: ServerOwner): Promise<boolean> {
    if (isOver(workshop, new Date(this.now()))) return Promise.resolve(false);
    const id = persistentServerId(owner);
    return this.serial.run(id, async () => {
      if (await this.deps.store.get(id)) return false;
      await this.start(workshop, owner, id, { warm: true });
      return true;
    });
  }

  stop(id: string, reason: StopReason): Promise<void> {
    return this.serial.run(id, () => this.stopNow(id, reason));
  }

  /**
   * Frees one capacity slot for a person who is here: an idle pooled server gives up its slot
   * first, then a warmed server nobody opened yet. False when neither can.
   */
  async makeRoom(): Promise<boolean> {
    return ((await this.deps.pools?.makeRoom()) ?? false) || this.releaseUnclaimedWarm();
  }

  /**
   * Stops the longest-waiting server that was warmed ahead of a workshop and never opened by
   * its attendee, so a person who is here gets its capacity slot; false when there is none.
   * Its attendee starts it again (same volume) when they arrive.
   */
  async releaseUnclaimedWarm(): Promise<boolean> {
    const { sessions, store, logger } = this.deps;
    const running = (await sessions.list()).filter((session) => session.owner).sort((a, b) => a.createdAt - b.createdAt);
    for (const session of running) {
      const server = await store.get(session.id);
      if (!server || server.firstOpenedAt !== undefined) continue;
      const released = await this.serial.run(session.id, async () => {
        const current = await store.get(session.id);
        if (!current || current.firstOpenedAt !== undefined || !(await sessions.get(session.id))) return false;
        await this.stopNow(session.id, 'made-room');
        return true;
      });
      if (released) {
        logger.info({ server: session.id, workshop: server.workshop }, 'an unclaimed warm server gave its slot to a launch');
        return true;
      }
    }
    return false;
  }

  async mustStop(session: SessionRecord): Promise<StopReason | null> {
    if (!session.owner) return null;
    const workshop = await this.deps.workshops.get(session.owner.workshop);
    return !workshop || isOver(workshop, new Date(this.now())) ? 'workshop-ended' : null;
  }

  async knownIds(): Promise<Set<string>> {
    return new Set(await this.deps.store.ids());
  }

  /** A session whose container still runs; one that stopped behind our back (an engine restart) is marked stopped. */
  private async running(id: string): Promise<OpenedServer | null> {
    const { sessions, spawner, routes } = this.deps;
    const session = await sessions.get(id);
    if (!session) return null;
    if ((await spawner.poll(id)) !== 'running') {
      await this.stopNow(id, 'server-stopped');
      return null;
    }
    if (!(await routes.lookup(id))) await routes.add(id, { host: session.host, port: session.port, ...(session.owner ? { owner: session.owner } : {}) }, this.now());
    return { id, path: serverBaseUrl(id), token: session.token, started: false, fresh: false };
  }

  /** The first open by the attendee is noted, so a warmed server still opens at the workshop's file. */
  private async markOpened(opened: OpenedServer): Promise<OpenedServer> {
    const server = await this.deps.store.get(opened.id);
    if (!server || server.firstOpenedAt !== undefined) return { ...opened, fresh: false };
    await this.deps.store.save({ ...server, firstOpenedAt: this.now() });
    return { ...opened, fresh: true };
  }

  private async start(workshop: Workshop, owner: ServerOwner, id: string, options: { warm?: boolean } = {}): Promise<OpenedServer> {
    const { store, sessions, starter, spawner, images, config, logger } = this.deps;
    const existing = await store.get(id);
    const image = await images.imageFor(workshop, existing?.image);
    const address = ownerAddress(owner);
    await this.reserve(id, address, options.warm === true);
    const started = this.now();
    const server: PersistentServer = {
      ...existing, id, workshop: owner.workshop, attendeeId: owner.attendeeId, token: existing?.token ?? newServerToken(),
      image, volume: homeVolumeName(config.instance, owner), state: 'starting', createdAt: existing?.createdAt ?? started,
    };
    let handle: ServerHandle;
    const renewing = setInterval(() => { sessions.renew(id).catch(() => undefined); }, renewReservationMs);
    renewing.unref();
    try {
      await store.save(server);
      // Without a record, a container left from before runs with a token nobody knows: start afresh on the same volume.
      if (!existing) await spawner.stop(id, { remove: true });
      // The workshop's image changed since this volume was seeded (its repo was updated).
      if (existing && existing.image !== image) await this.deps.homeVolumes?.addNewFiles(server.volume, image);
      handle = await starter.start({
        id, image, token: server.token, limits: workshop.limits, resume: existing !== null,
        labels: { [labelKeys.kind]: 'persistent', [labelKeys.workshop]: owner.workshop, [labelKeys.attendee]: owner.attendeeId },
        home: { name: server.volume, labels: homeVolumeLabels(config.instance, owner.workshop, owner.attendeeId) },
      }, options.warm ? { background: true } : {});
      // Jupyter's first page render is slow; a warmed server takes it before its attendee arrives.
      if (options.warm) await warmUpJupyter(handle, serverBaseUrl(id), server.token);
    } catch (error) {
      await sessions.release(id, address).catch(() => undefined);
      await store.save({ ...server, state: 'stopped', stoppedAt: this.now() }).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewing);
    }
    const idleFrom = options.warm ? Date.parse(workshop.startsAt) : 0;
    await this.record(server, handle, address, Date.parse(workshop.endsAt), idleFrom);
    logger.info({ server: id, workshop: owner.workshop, attendeeId: owner.attendeeId, resumed: existing !== null, warm: options.warm === true, startMs: this.now() - started }, 'persistent server started');
    return { id, path: serverBaseUrl(id), token: server.token, started: true, fresh: existing === null };
  }

  private async reserve(id: string, address: string, warm: boolean): Promise<void> {
    const { sessions, config } = this.deps;
    const limits = { maxServers: config.capacity.maxServers, maxServersPerIp: 1 };
    let outcome = await sessions.reserve(id, address, limits);
    if (outcome === 'full' && !warm && (await this.makeRoom())) outcome = await sessions.reserve(id, address, limits);
    if (outcome !== 'ok') {
      throw new LauncherError(429, 'capacity-full', `All ${config.capacity.maxServers} notebook servers are in use right now. Your files are safe; try again in a minute.`);
    }
  }

  private async record(server: PersistentServer, handle: ServerHandle, address: string, endsAt: number, idleFrom: number): Promise<void> {
    const { sessions, routes, store } = this.deps;
    const owner = { workshop: server.workshop, attendeeId: server.attendeeId };
    const now = this.now();
    const session: SessionRecord = {
      id: server.id, token: server.token, image: server.image, clientIp: address, containerId: handle.containerId,
      host: handle.host, port: handle.port, createdAt: now, expiresAt: endsAt, owner, ...(idleFrom > now ? { idleFrom } : {}),
    };
    try {
      await sessions.save(session);
      await routes.add(server.id, { host: handle.host, port: handle.port, owner }, now);
      await store.save({ ...server, state: 'running', startedAt: now });
    } catch (error) {
      await this.stopNow(server.id, 'server-stopped').catch(() => undefined);
      throw error;
    }
  }

  private async stopNow(id: string, reason: StopReason): Promise<void> {
    const { routes, sessions, spawner, store, activity, logger } = this.deps;
    const route = await routes.get(id).catch(() => null);
    await routes.remove(id);
    const session = await sessions.forget(id);
    try {
      // Over its disk limit, what it wrote outside the home volume goes (or it would stop again on resume); the home stays.
      await spawner.stop(id, { remove: reason === 'disk-limit' });
    } catch (error) {
      logger.warn({ server: id, err: (error as Error).message }, 'could not stop the container now; the reconciler will');
    }
    const server = await store.get(id);
    if (server) {
      const lastActivity = Math.max(server.lastActivity ?? 0, route?.lastActivity ?? 0, activity?.pendingFor(id) ?? 0, session?.createdAt ?? 0);
      await store.save({ ...server, state: 'stopped', stoppedAt: this.now(), stopReason: reason, ...(lastActivity > 0 ? { lastActivity } : {}) });
    }
    if (session) logger.info({ server: id, reason, ranMs: this.now() - session.createdAt }, 'persistent server stopped');
  }
}

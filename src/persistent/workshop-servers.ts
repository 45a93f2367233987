import type { Readable } from 'node:stream';
import type { Actor } from '../auth/actor.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { ActivityRecorder } from '../proxy/activity-recorder.js';
import type { RouteTable } from '../proxy/route-table.js';
import type { HomeVolumes } from '../runtime/home-volumes.js';
import type { Spawner } from '../runtime/spawner.js';
import type { StopReason } from '../sessions/persistent-server-control.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Attendee } from '../workshops/attendee.js';
import { logChange } from '../workshops/workshop-admin.js';
import { isOver, type Workshop } from '../workshops/workshop.js';
import { persistentServerId } from './persistent-server.js';
import type { PersistentServerStore } from './persistent-server-store.js';
import type { OpenedServer, PersistentServers } from './persistent-servers.js';
import { archiveFolder, serverStatus, type AttendeeServerInfo } from './server-status.js';

export interface WorkshopServersDeps {
  servers: PersistentServers;
  store: PersistentServerStore;
  sessions: Pick<SessionStore, 'list' | 'slotIds'>;
  routes: Pick<RouteTable, 'all'>;
  spawner: Pick<Spawner, 'stop'>;
  volumes: HomeVolumes;
  activity?: Pick<ActivityRecorder, 'pendingFor'>;
  logger: Logger;
  now?: () => number;
}

/** Who asked: an organizer (logged with their token's label) or the attendee themselves. */
export type Requester = Actor | { via: 'attendee' };

const stopsAtOnce = 8;

/** What organizers and attendees do with a workshop's persistent servers and their files; every change is logged. */
export class WorkshopServers {
  private readonly now: () => number;

  constructor(private readonly deps: WorkshopServersDeps) {
    this.now = deps.now ?? Date.now;
  }

  private log(requester: Requester, event: string, slug: string, attendeeId?: string, extra: Record<string, unknown> = {}): void {
    const fields = { ...(attendeeId ? { attendeeId } : {}), ...extra };
    if (requester.via === 'attendee') this.deps.logger.info({ event, workshop: slug, ...fields }, event.replace(/-/g, ' '));
    else logChange(this.deps.logger, requester, event, slug, fields);
  }

  async open(workshop: Workshop, attendee: Attendee, requester: Requester): Promise<OpenedServer> {
    const opened = await this.deps.servers.open(workshop, { workshop: workshop.slug, attendeeId: attendee.id });
    this.log(requester, 'server-opened', workshop.slug, attendee.id, { started: opened.started });
    return opened;
  }

  async stop(slug: string, attendeeId: string, reason: StopReason, requester: Requester): Promise<void> {
    await this.deps.servers.stop(persistentServerId({ workshop: slug, attendeeId }), reason);
    this.log(requester, 'server-stopped', slug, attendeeId, { reason });
  }

  async restart(workshop: Workshop, attendee: Attendee, requester: Requester): Promise<OpenedServer> {
    await this.deps.servers.stop(persistentServerId({ workshop: workshop.slug, attendeeId: attendee.id }), 'restart');
    const opened = await this.deps.servers.open(workshop, { workshop: workshop.slug, attendeeId: attendee.id });
    this.log(requester, 'server-restarted', workshop.slug, attendee.id);
    return opened;
  }

  /** Status and last activity of every attendee's server that ever ran, by attendee id. */
  async statuses(slug: string): Promise<Map<string, AttendeeServerInfo>> {
    const { store, sessions, routes, activity } = this.deps;
    const [servers, running, reserved, routeList] = await Promise.all([store.listOf(slug), sessions.list(), sessions.slotIds(), routes.all()]);
    const sessionOf = new Map(running.filter((session) => session.owner?.workshop === slug).map((session) => [session.id, session]));
    const slots = new Set(reserved);
    const routeActivity = new Map(routeList.map((route) => [route.id, route.lastActivity]));
    return new Map(servers.map((server) => [server.attendeeId, serverStatus({
      server,
      ...(sessionOf.has(server.id) ? { session: sessionOf.get(server.id)! } : {}),
      reserved: slots.has(server.id),
      routeActivity: Math.max(routeActivity.get(server.id) ?? 0, activity?.pendingFor(server.id) ?? 0),
    })]));
  }

  /** Stops every running server of the workshop (containers and volumes stay); resolves to how many stopped. */
  async stopWorkshop(slug: string, reason: StopReason): Promise<number> {
    const ids = (await this.deps.sessions.list()).filter((session) => session.owner?.workshop === slug).map((session) => session.id);
    let stopped = 0;
    for (let index = 0; index < ids.length; index += stopsAtOnce) {
      const outcomes = await Promise.allSettled(ids.slice(index, index + stopsAtOnce).map((id) => this.deps.servers.stop(id, reason)));
      for (const [offset, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') stopped += 1;
        // The culler stops it on a later pass: the workshop is over.
        else this.deps.logger.warn({ server: ids[index + offset], err: (outcome.reason as Error).message }, 'could not stop a workshop server');
      }
    }
    if (ids.length > 0) this.deps.logger.info({ event: 'workshop-servers-stopped', workshop: slug, count: stopped, reason }, 'workshop servers stopped');
    return stopped;
  }

  /** After the end only: removes the workshop's containers and deletes its home volumes; resolves to how many volumes. */
  async deleteVolumes(workshop: Workshop, actor: Actor): Promise<number> {
    if (!isOver(workshop, new Date(this.now()))) {
      throw new LauncherError(409, 'workshop-not-ended', `The workshop "${workshop.slug}" has not ended, and its attendees' files are still in use. End it first (POST /api/workshops/${workshop.slug}/end), export the work, then delete the volumes.`);
    }
    await this.stopWorkshop(workshop.slug, 'workshop-ended');
    const deleted = await this.removeAll(workshop.slug);
    this.log(actor, 'volumes-deleted', workshop.slug, undefined, { volumes: deleted });
    return deleted;
  }

  /** For a workshop being deleted (it has no volumes left): its records and any container go too. */
  async forgetWorkshop(slug: string): Promise<void> {
    await this.stopWorkshop(slug, 'workshop-ended');
    await this.removeAll(slug);
  }

  private async removeAll(slug: string): Promise<number> {
    const { store, spawner, volumes } = this.deps;
    const records = await store.listOf(slug);
    const found = await volumes.list(slug);
    const ids = new Set([...records.map((server) => server.id), ...found.map((volume) => persistentServerId({ workshop: slug, attendeeId: volume.attendeeId }))]);
    for (const id of ids) await spawner.stop(id, { remove: true });
    for (const volume of found) await volumes.remove(volume.name);
    for (const server of records) await store.remove(server.id);
    return found.length;
  }

  /** How many home volumes the workshop has: its attendees' files. */
  async volumeCount(slug: string): Promise<number> {
    return (await this.deps.volumes.list(slug)).length;
  }

  /** A tar.gz of every attendee's files, one folder each (name or email, then id). */
  async exportAll(workshop: Workshop, attendees: Attendee[], actor: Actor): Promise<Readable> {
    const byId = new Map(attendees.map((attendee) => [attendee.id, attendee]));
    const found = await this.deps.volumes.list(workshop.slug);
    const archive = await this.deps.volumes.archive(found.map((volume) => ({ volume: volume.name, folder: archiveFolder(byId.get(volume.attendeeId), volume.attendeeId) })));
    this.log(actor, 'work-exported', workshop.slug, undefined, { volumes: found.length });
    return archive;
  }

  /** A tar.gz of one attendee's files, in one folder. */
  async exportOwn(workshop: Workshop, attendee: Attendee): Promise<Readable> {
    const volume = (await this.deps.volumes.list(workshop.slug)).find((candidate) => candidate.attendeeId === attendee.id);
    if (!volume) throw new LauncherError(404, 'no-files-yet', 'You have no files in this workshop yet: open your server first, and your work is kept from then on.');
    const archive = await this.deps.volumes.archive([{ volume: volume.name, folder: archiveFolder(attendee, attendee.id) }]);
    this.log({ via: 'attendee' }, 'own-work-downloaded', workshop.slug, attendee.id);
    return archive;
  }
}

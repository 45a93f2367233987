import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { PersistentServerStore } from '../persistent/persistent-server-store.js';
import type { PersistentServers } from '../persistent/persistent-servers.js';
import type { WorkshopImages } from '../persistent/workshop-images.js';
import type { PoolManager } from '../pools/pool-manager.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AttendeeStore } from '../workshops/attendee-store.js';
import type { WorkshopStore } from '../workshops/workshop-store.js';
import { warmServersOf, type Workshop } from '../workshops/workshop.js';
import { attendeesToWarm, warmupBeginsAt, warmupWindow } from './warmup-schedule.js';

export type WarmupState = 'scheduled' | 'building' | 'warming' | 'ready' | 'failed' | 'over';

/** A workshop's warm-up as the API and the dashboard show it. */
export interface WarmupStatus {
  state: WarmupState;
  /** When the warm-up begins (or began): `workshops.warmupMinutes` before the start. */
  beginsAt: string;
  /** The image the workshop's servers run, once known. */
  image: string | null;
  /** Why it failed, or why fewer servers than wanted are warm yet. */
  message?: string;
  servers: {
    /** Servers the warm-up aims for: pooled while the link is anonymous, attendees' own after sign-in starts. */
    wanted: number;
    running: number;
  };
}

export interface WorkshopWarmerDeps {
  config: Pick<Config, 'workshops' | 'pool' | 'capacity'>;
  sessions: Pick<SessionStore, 'count'>;
  workshops: Pick<WorkshopStore, 'list' | 'get'>;
  attendees: Pick<AttendeeStore, 'list'>;
  images: WorkshopImages;
  pools: Pick<PoolManager, 'setPool' | 'status'>;
  servers: Pick<PersistentServers, 'warm'>;
  persistentStore: Pick<PersistentServerStore, 'listOf'>;
  logger: Logger;
  now?: () => number;
  /** How long a failed image build waits before the next try (an organizer's "warm now" retries at once). */
  retryAfterMs?: number;
}

/** What this process knows of a workshop's warm-up in progress. */
interface Progress {
  phase: 'building' | 'warming';
  image: string | null;
  failure?: { message: string; at: number };
  /** Attendees' servers being started by this process. */
  starting: Set<string>;
}

export function workshopPoolKey(slug: string): string {
  return `workshop/${slug}`;
}

const defaultRetryAfterMs = 5 * 60_000;

/**
 * Gets workshops ready before they begin: from `workshops.warmupMinutes` before the start time
 * (or at once when an organizer asks), builds the workshop's image, then keeps a warm pool of
 * it while the link is anonymous, or starts the registered attendees' own servers once sign-in
 * is on, so the first minute of a workshop waits for neither a build nor a start.
 */
export class WorkshopWarmer {
  private readonly progress = new Map<string, Progress>();
  private readonly forced = new Set<string>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly pooled = new Set<string>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly deps: WorkshopWarmerDeps) {
    this.now = deps.now ?? Date.now;
  }

  private get leadMs(): number {
    return this.deps.config.workshops.warmupMinutes * 60_000;
  }

  private wanted(workshop: Workshop): number {
    return warmServersOf(workshop, this.deps.config.workshops.warmServers);
  }

  /** Starts warming a workshop now, whatever its start time; a failed build is tried again. */
  async warmNow(slug: string): Promise<WarmupStatus> {
    const workshop = await this.deps.workshops.get(slug);
    if (!workshop) throw new LauncherError(404, 'no-such-workshop', `There is no workshop "${slug}".`);
    if (warmupWindow(workshop, this.now(), this.leadMs) === 'over') {
      throw new LauncherError(409, 'workshop-over', `The workshop "${slug}" is over: there is nothing to warm.`);
    }
    this.forced.add(slug);
    const progress = this.progress.get(slug);
    if (progress) delete progress.failure;
    this.kick(workshop);
    return this.status(workshop);
  }

  /** One pass over every workshop; the work of each runs in the background, one at a time per workshop. */
  async passOnce(): Promise<void> {
    const workshops = await this.deps.workshops.list();
    const slugs = new Set(workshops.map((workshop) => workshop.slug));
    for (const slug of this.pooled) {
      if (!slugs.has(slug)) this.dropPool(slug);
    }
    for (const slug of [...this.progress.keys()]) {
      if (!slugs.has(slug)) this.forget(slug);
    }
    for (const workshop of workshops) this.kick(workshop);
  }

  /** Resolves once no workshop's warm-up step is running. */
  async settled(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy.values()]);
  }

  async status(workshop: Workshop): Promise<WarmupStatus> {
    const now = this.now();
    const window = warmupWindow(workshop, now, this.leadMs, this.forced.has(workshop.slug));
    const progress = this.progress.get(workshop.slug);
    const base = { beginsAt: new Date(warmupBeginsAt(workshop, this.leadMs)).toISOString(), image: progress?.image ?? null };
    const wanted = this.wanted(workshop);
    if (window !== 'active') return { ...base, state: window, servers: { wanted, running: 0 } };
    if (progress?.failure) return { ...base, state: 'failed', message: progress.failure.message, servers: { wanted, running: 0 } };
    if (!progress || progress.phase === 'building') return { ...base, state: 'building', servers: { wanted, running: 0 } };
    const counted = await this.count(workshop, wanted);
    const complete = counted.complete && progress.starting.size === 0;
    const { maxServers } = this.deps.config.capacity;
    const full = !complete && (await this.deps.sessions.count()) >= maxServers;
    return {
      ...base,
      state: complete ? 'ready' : 'warming',
      ...(full ? { message: `All ${maxServers} servers the launcher may run (capacity.maxServers) are in use: ${counted.running} of ${counted.wanted} are warm. The others start when their attendees arrive.` } : {}),
      servers: { wanted: counted.wanted, running: counted.running },
    };
  }

  /**
   * Servers aimed for and running, and whether the warm-up did all it can: the workshop pool's
   * ready servers, or the chosen attendees' own servers (complete once each has started, even if
   * one has since stopped for idle: a warm-up never restarts those).
   */
  private async count(workshop: Workshop, wanted: number): Promise<{ wanted: number; running: number; complete: boolean }> {
    const chosen = attendeesToWarm(await this.deps.attendees.list(workshop.slug), wanted);
    if (chosen.length === 0) {
      const ready = (await this.deps.pools.status())[workshopPoolKey(workshop.slug)]?.ready ?? 0;
      return { wanted, running: ready, complete: ready >= wanted };
    }
    const ids = new Set(chosen.map((attendee) => attendee.id));
    const servers = (await this.deps.persistentStore.listOf(workshop.slug)).filter((server) => ids.has(server.attendeeId));
    return {
      wanted: chosen.length,
      running: servers.filter((server) => server.state === 'running').length,
      complete: servers.filter((server) => server.state !== 'starting').length === chosen.length,
    };
  }

  private kick(workshop: Workshop): void {
    if (this.stopping || this.busy.has(workshop.slug)) return;
    const step = this.step(workshop)
      .catch((error: Error) => this.deps.logger.warn({ workshop: workshop.slug, err: error.message }, 'workshop warm-up step failed'))
      .finally(() => this.busy.delete(workshop.slug));
    this.busy.set(workshop.slug, step);
  }

  private async step(workshop: Workshop): Promise<void> {
    const { slug } = workshop;
    const window = warmupWindow(workshop, this.now(), this.leadMs, this.forced.has(slug));
    if (window !== 'active') {
      if (this.pooled.has(slug)) this.dropPool(slug);
      if (window === 'over') this.forget(slug);
      return;
    }
    let progress = this.progress.get(slug);
    if (!progress) {
      progress = { phase: 'building', image: null, starting: new Set() };
      this.progress.set(slug, progress);
      this.deps.logger.info({ event: 'workshop-warmup-began', workshop: slug }, 'workshop warm-up began');
    }
    if (progress.failure && this.now() - progress.failure.at < (this.deps.retryAfterMs ?? defaultRetryAfterMs)) return;
    let image: string;
    try {
      image = await this.deps.images.imageFor(workshop);
    } catch (error) {
      const message = `The workshop's image could not be made: ${(error as Error).message}`;
      progress.failure = { message, at: this.now() };
      this.deps.logger.warn({ workshop: slug, err: (error as Error).message }, 'workshop warm-up could not make the image');
      return;
    }
    delete progress.failure;
    Object.assign(progress, { phase: 'warming', image });
    const wanted = this.wanted(workshop);
    const chosen = attendeesToWarm(await this.deps.attendees.list(slug), wanted);
    if (chosen.length === 0) {
      this.deps.pools.setPool(workshopPoolKey(slug), image, wanted);
      this.pooled.add(slug);
      return;
    }
    // Sign-in is on: unclaimed pooled servers would serve nobody.
    if (this.pooled.has(slug)) this.dropPool(slug);
    await this.startAttendeeServers(workshop, chosen.map((attendee) => attendee.id), progress);
  }

  /** Starts the chosen attendees' servers that never ran, as many at once as the start queue allows, until capacity runs out. */
  private async startAttendeeServers(workshop: Workshop, attendeeIds: string[], progress: Progress): Promise<void> {
    const existing = new Set((await this.deps.persistentStore.listOf(workshop.slug)).map((server) => server.attendeeId));
    const pending = attendeeIds.filter((id) => !existing.has(id) && !progress.starting.has(id));
    let full = false;
    await Promise.all(pending.map(async (attendeeId) => {
      progress.starting.add(attendeeId);
      try {
        if (full || this.stopping) return;
        await this.deps.servers.warm(workshop, { workshop: workshop.slug, attendeeId });
      } catch (error) {
        // The status says so; the next pass tries again once servers stop.
        if (error instanceof LauncherError && error.reason === 'capacity-full') full = true;
        else {
          this.deps.logger.warn({ workshop: workshop.slug, attendeeId, err: (error as Error).message }, 'could not warm an attendee\'s server');
        }
      } finally {
        progress.starting.delete(attendeeId);
      }
    }));
    if (pending.length > 0) this.deps.logger.info({ event: 'workshop-servers-warmed', workshop: workshop.slug, tried: pending.length, full }, 'workshop servers warmed');
  }

  private dropPool(slug: string): void {
    this.deps.pools.setPool(workshopPoolKey(slug), this.progress.get(slug)?.image ?? '', 0);
    this.pooled.delete(slug);
  }

  private forget(slug: string): void {
    if (this.pooled.has(slug)) this.dropPool(slug);
    this.progress.delete(slug);
    this.forced.delete(slug);
  }

  start(): void {
    const pass = () => { this.passOnce().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'warm-up pass failed')); };
    pass();
    this.timer = setInterval(pass, this.deps.config.pool.refreshSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and waits a little for steps in flight; a build they wait for goes on and is used next time. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled(), new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); })]);
    clearTimeout(timer);
  }
}

import { actorFields, type Actor } from '../auth/actor.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import { newAccessCode } from './access-code.js';
import { applyWorkshopPatch, workshopFromInput, type WorkshopSettings } from './workshop-input.js';
import { workshopMode, type WorkshopMode } from './workshop-mode.js';
import type { WorkshopStores } from './workshop-stores.js';
import type { Workshop } from './workshop.js';

export interface WorkshopAdminDeps {
  stores: Pick<WorkshopStores, 'workshops' | 'attendees'>;
  settings: WorkshopSettings;
  logger: Logger;
  now?: () => Date;
}

export interface WorkshopStatus {
  mode: WorkshopMode;
  activeAttendees: number;
}

export function noSuchWorkshop(slug: string): LauncherError {
  return new LauncherError(404, 'no-such-workshop', `There is no workshop "${slug}". Check the address, or ask the organizer for the right link.`);
}

/** One log line per change: what, which workshop, and who (a token's label, never a secret). */
export function logChange(logger: Logger, actor: Actor, event: string, slug: string, extra: Record<string, unknown> = {}): void {
  logger.info({ event, workshop: slug, ...actorFields(actor), ...extra }, event.replace(/-/g, ' '));
}

/** Creating, changing, ending and deleting workshops; the API and the CLI share it. Every change is logged. */
export class WorkshopAdmin {
  private readonly now: () => Date;

  constructor(private readonly deps: WorkshopAdminDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private log(actor: Actor, event: string, slug: string, extra: Record<string, unknown> = {}): void {
    logChange(this.deps.logger, actor, event, slug, extra);
  }

  async get(slug: string): Promise<Workshop> {
    const workshop = await this.deps.stores.workshops.get(slug);
    if (!workshop) throw noSuchWorkshop(slug);
    return workshop;
  }

  list(): Promise<Workshop[]> {
    return this.deps.stores.workshops.list();
  }

  async status(slug: string): Promise<WorkshopStatus> {
    const activeAttendees = await this.deps.stores.attendees.countActive(slug);
    return { mode: workshopMode(activeAttendees), activeAttendees };
  }

  async create(input: unknown, actor: Actor): Promise<Workshop> {
    const workshop = { ...workshopFromInput(input, this.deps.settings, this.now()), accessCode: newAccessCode() };
    if (!(await this.deps.stores.workshops.create(workshop))) {
      throw new LauncherError(409, 'workshop-exists', `There is already a workshop "${workshop.slug}". Choose another slug, or change that workshop.`);
    }
    this.log(actor, 'workshop-created', workshop.slug);
    return workshop;
  }

  async update(slug: string, input: unknown, actor: Actor): Promise<Workshop> {
    const updated = applyWorkshopPatch(await this.get(slug), input, this.deps.settings);
    if (!(await this.deps.stores.workshops.save(updated))) throw noSuchWorkshop(slug);
    this.log(actor, 'workshop-changed', slug, { fields: Object.keys(input as object) });
    return updated;
  }

  /** Gives the workshop a new code for the room (the old one stops working), or none (`off`: personal links only). */
  async setAccessCode(slug: string, code: 'new' | 'off', actor: Actor): Promise<Workshop> {
    const { accessCode: _old, ...workshop } = await this.get(slug);
    const changed: Workshop = code === 'new' ? { ...workshop, accessCode: newAccessCode() } : workshop;
    if (!(await this.deps.stores.workshops.save(changed))) throw noSuchWorkshop(slug);
    this.log(actor, code === 'new' ? 'access-code-renewed' : 'access-code-removed', slug);
    return changed;
  }

  /** Marks the workshop ended (the first time counts): links stop signing people in. */
  async end(slug: string, actor: Actor): Promise<Workshop> {
    const workshop = await this.get(slug);
    if (workshop.endedAt) return workshop;
    const ended = { ...workshop, endedAt: this.now().toISOString() };
    await this.deps.stores.workshops.save(ended);
    this.log(actor, 'workshop-ended', slug);
    return ended;
  }

  /** Deletes the workshop with its attendees and invites. */
  async remove(slug: string, actor: Actor): Promise<void> {
    await this.get(slug);
    await this.deps.stores.attendees.removeWorkshop(slug);
    await this.deps.stores.workshops.remove(slug);
    this.log(actor, 'workshop-deleted', slug);
  }
}

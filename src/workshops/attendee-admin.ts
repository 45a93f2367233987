import { hashSecret, newPublicId, newSecret } from '../auth/secrets.js';
import type { Actor } from '../auth/actor.js';
import { LauncherError } from '../errors/launcher-error.js';
import { isActive, type Attendee } from './attendee.js';
import type { AttendeeList, AttendeeRow, RowError } from './attendee-rows.js';
import type { IssuedInvite } from './personal-links.js';
import { logChange, type WorkshopAdmin, type WorkshopAdminDeps } from './workshop-admin.js';

export interface ImportOutcome {
  imported: number;
  /** Known emails whose name or group changed (a row without a group keeps the group). */
  updated: number;
  unchanged: number;
  errors: RowError[];
  /** The new attendees' invites: the only time their secrets are seen. */
  issued: IssuedInvite[];
}

function noSuchAttendee(): LauncherError {
  return new LauncherError(404, 'no-such-attendee', 'This workshop has no attendee with that id. List the attendees to see their ids.');
}

/** Attendees of a workshop and their invites; the API and the CLI share it. Every change is logged. */
export class AttendeeAdmin {
  private readonly now: () => Date;

  constructor(private readonly deps: WorkshopAdminDeps, private readonly workshops: WorkshopAdmin) {
    this.now = deps.now ?? (() => new Date());
  }

  private workshop(slug: string) {
    return this.workshops.get(slug);
  }

  private log(actor: Actor, event: string, slug: string, extra: Record<string, unknown> = {}): void {
    logChange(this.deps.logger, actor, event, slug, extra);
  }

  /**
   * Adds the rows not yet in the workshop (the email is the identity), so importing the same list
   * twice changes nothing. A row for a removed attendee is refused: re-issue their link instead.
   */
  async importList(slug: string, list: AttendeeList, actor: Actor): Promise<ImportOutcome> {
    const workshop = await this.workshop(slug);
    if (workshop.endedAt) throw new LauncherError(409, 'workshop-ended', `The workshop "${slug}" has ended; attendees can no longer be added.`);
    const outcome: ImportOutcome = { imported: 0, updated: 0, unchanged: 0, errors: [...list.errors], issued: [] };
    for (const row of list.rows) await this.importRow(slug, row, outcome);
    outcome.errors.sort((a, b) => a.line - b.line);
    this.log(actor, 'attendees-imported', slug, { imported: outcome.imported, updated: outcome.updated, unchanged: outcome.unchanged, errors: outcome.errors.length });
    return outcome;
  }

  private async importRow(slug: string, row: AttendeeRow, outcome: ImportOutcome): Promise<void> {
    const at = this.now().toISOString();
    const secret = newSecret();
    const attendee: Attendee = {
      id: newPublicId(), workshop: slug, name: row.name, email: row.email, ...(row.group ? { group: row.group } : {}),
      createdAt: at, inviteVersion: 1, inviteIssuedAt: at,
    };
    const added = await this.deps.stores.attendees.add(attendee, hashSecret(secret));
    if (added.added) {
      outcome.imported += 1;
      outcome.issued.push({ attendee, secret });
      return;
    }
    const existing = added.existing;
    if (!isActive(existing)) {
      outcome.errors.push({ line: row.line, text: `${row.name}, ${row.email}`, reason: 'was removed from this workshop: re-issue their link to let them back in' });
    } else if (existing.name !== row.name || (row.group !== undefined && row.group !== existing.group)) {
      await this.deps.stores.attendees.setDetails(slug, existing.id, { name: row.name, ...(row.group ? { group: row.group } : {}) });
      outcome.updated += 1;
    } else {
      outcome.unchanged += 1;
    }
  }

  async listAttendees(slug: string): Promise<Attendee[]> {
    await this.workshop(slug);
    return this.deps.stores.attendees.list(slug);
  }

  /** Removes an attendee: their link and sign-in stop working; their record (and later their data) stays. */
  async removeAttendee(slug: string, id: string, actor: Actor): Promise<Attendee> {
    await this.workshop(slug);
    const revoked = await this.deps.stores.attendees.revoke(slug, id, this.now().toISOString());
    if (!revoked) throw noSuchAttendee();
    this.log(actor, 'attendee-removed', slug, { attendeeId: id });
    return revoked;
  }

  /** Revokes the attendee's link and returns a new one; also lets a removed attendee back in. */
  async reissue(slug: string, id: string, actor: Actor): Promise<IssuedInvite> {
    await this.workshop(slug);
    const issued = await this.replaceInvite(slug, id);
    if (!issued) throw noSuchAttendee();
    this.log(actor, 'invite-reissued', slug, { attendeeId: id });
    return issued;
  }

  /** New links for every attendee not removed: the secrets are stored hashed, so old links cannot be shown again. */
  async reissueAll(slug: string, actor: Actor): Promise<IssuedInvite[]> {
    await this.workshop(slug);
    const issued: IssuedInvite[] = [];
    for (const attendee of await this.deps.stores.attendees.list(slug)) {
      if (!isActive(attendee)) continue;
      const invite = await this.replaceInvite(slug, attendee.id);
      if (invite) issued.push(invite);
    }
    this.log(actor, 'invites-reissued', slug, { count: issued.length });
    return issued;
  }

  private async replaceInvite(slug: string, id: string): Promise<IssuedInvite | null> {
    const secret = newSecret();
    const attendee = await this.deps.stores.attendees.replaceInvite(slug, id, hashSecret(secret), this.now().toISOString());
    return attendee ? { attendee, secret } : null;
  }
}

import type { Attendee } from '../attendee.js';
import type { AddAttendeeOutcome, AttendeeStore, ClaimOutcome, InviteMatch } from '../attendee-store.js';

interface WorkshopAttendees {
  byId: Map<string, Attendee>;
  invites: Map<string, { attendeeId: string; version: number }>;
}

/** An in-process AttendeeStore with the semantics of the Redis one (each method is atomic). */
export class MemoryAttendeeStore implements AttendeeStore {
  private readonly workshops = new Map<string, WorkshopAttendees>();

  private of(workshop: string): WorkshopAttendees {
    let entry = this.workshops.get(workshop);
    if (!entry) {
      entry = { byId: new Map(), invites: new Map() };
      this.workshops.set(workshop, entry);
    }
    return entry;
  }

  private update(workshop: string, id: string, change: (attendee: Attendee) => void): Attendee | null {
    const attendee = this.of(workshop).byId.get(id);
    if (!attendee) return null;
    change(attendee);
    return { ...attendee };
  }

  async add(attendee: Attendee, inviteHash: string): Promise<AddAttendeeOutcome> {
    const entry = this.of(attendee.workshop);
    const existing = [...entry.byId.values()].find((candidate) => candidate.email === attendee.email);
    if (existing) return { added: false, existing: { ...existing } };
    entry.byId.set(attendee.id, { ...attendee });
    entry.invites.set(inviteHash, { attendeeId: attendee.id, version: attendee.inviteVersion });
    return { added: true };
  }

  async get(workshop: string, id: string): Promise<Attendee | null> {
    const found = this.of(workshop).byId.get(id);
    return found ? { ...found } : null;
  }

  async findByEmail(workshop: string, email: string): Promise<Attendee | null> {
    const found = [...this.of(workshop).byId.values()].find((candidate) => candidate.email === email);
    return found ? { ...found } : null;
  }

  async list(workshop: string): Promise<Attendee[]> {
    return [...this.of(workshop).byId.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.email.localeCompare(b.email))
      .map((attendee) => ({ ...attendee }));
  }

  async countActive(workshop: string): Promise<number> {
    return [...this.of(workshop).byId.values()].filter((attendee) => attendee.revokedAt === undefined).length;
  }

  async setDetails(workshop: string, id: string, details: { name: string; group?: string }): Promise<Attendee | null> {
    return this.update(workshop, id, (attendee) => {
      attendee.name = details.name;
      if (details.group) attendee.group = details.group;
    });
  }

  async revoke(workshop: string, id: string, at: string): Promise<Attendee | null> {
    return this.update(workshop, id, (attendee) => { attendee.revokedAt ??= at; });
  }

  async claim(workshop: string, id: string, at: string): Promise<ClaimOutcome> {
    const attendee = this.of(workshop).byId.get(id);
    if (!attendee) return 'missing';
    if (attendee.claimedAt) return 'taken';
    attendee.claimedAt = at;
    return 'claimed';
  }

  async replaceInvite(workshop: string, id: string, inviteHash: string, at: string): Promise<Attendee | null> {
    return this.update(workshop, id, (attendee) => {
      attendee.inviteVersion += 1;
      attendee.inviteIssuedAt = at;
      delete attendee.revokedAt;
      delete attendee.claimedAt;
      this.of(workshop).invites.set(inviteHash, { attendeeId: id, version: attendee.inviteVersion });
    });
  }

  async findInvite(workshop: string, inviteHash: string): Promise<InviteMatch | null> {
    const invite = this.of(workshop).invites.get(inviteHash);
    const attendee = invite ? this.of(workshop).byId.get(invite.attendeeId) : undefined;
    if (!invite || !attendee) return null;
    return { attendee: { ...attendee }, current: attendee.inviteVersion === invite.version };
  }

  async removeWorkshop(workshop: string): Promise<void> {
    this.workshops.delete(workshop);
  }
}

import type { Attendee } from './attendee.js';

export type AddAttendeeOutcome = { added: true } | { added: false; existing: Attendee };

export interface InviteMatch {
  attendee: Attendee;
  /** False for an invite that a newer one replaced. */
  current: boolean;
}

/**
 * Attendees of each workshop and the hashes of their invite secrets (Redis in production).
 * Every method may throw a 503 LauncherError.
 */
export interface AttendeeStore {
  /** Adds the attendee and their invite atomically, unless the email is already in the workshop. */
  add(attendee: Attendee, inviteHash: string): Promise<AddAttendeeOutcome>;
  get(workshop: string, id: string): Promise<Attendee | null>;
  /** The attendee registered with this (normalised) email, revoked or not. */
  findByEmail(workshop: string, email: string): Promise<Attendee | null>;
  /** Oldest first. */
  list(workshop: string): Promise<Attendee[]>;
  /** Attendees not revoked. */
  countActive(workshop: string): Promise<number>;
  /** Sets the name, and the group when one is given. */
  setDetails(workshop: string, id: string, details: { name: string; group?: string }): Promise<Attendee | null>;
  /** Marks the attendee revoked (keeping the first revocation time); their invites stop working. */
  revoke(workshop: string, id: string, at: string): Promise<Attendee | null>;
  /** Issues a new invite (the old ones stop working) and lifts a revocation. */
  replaceInvite(workshop: string, id: string, inviteHash: string, at: string): Promise<Attendee | null>;
  findInvite(workshop: string, inviteHash: string): Promise<InviteMatch | null>;
  /** Forgets every attendee and invite of the workshop. */
  removeWorkshop(workshop: string): Promise<void>;
}

import type { Attendee } from './attendee.js';

export type AddAttendeeOutcome = { added: true } | { added: false; existing: Attendee };

/** `claimed`: this call took the seat; `taken`: someone signed in as this attendee before; `missing`: no such attendee. */
export type ClaimOutcome = 'claimed' | 'taken' | 'missing';

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
  /** Records `claimedAt` unless it is set already, atomically: of two claims at once, one wins. */
  claim(workshop: string, id: string, at: string): Promise<ClaimOutcome>;
  /** Issues a new invite (the old ones stop working), lifts a revocation and releases the claim. */
  replaceInvite(workshop: string, id: string, inviteHash: string, at: string): Promise<Attendee | null>;
  findInvite(workshop: string, inviteHash: string): Promise<InviteMatch | null>;
  /** Forgets every attendee and invite of the workshop. */
  removeWorkshop(workshop: string): Promise<void>;
}

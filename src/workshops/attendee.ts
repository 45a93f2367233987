import { z } from 'zod';

export interface Attendee {
  id: string;
  /** The workshop's slug. */
  workshop: string;
  name: string;
  /** Lower-case: the attendee's identity within the workshop. */
  email: string;
  group?: string;
  createdAt: string;
  /** Set when the organizer removed the attendee: their link stops working, their data stays. */
  revokedAt?: string;
  /** Counts the invites issued; only the newest one signs in. */
  inviteVersion: number;
  inviteIssuedAt: string;
  /**
   * When the attendee first signed in (personal link or code): from then on the workshop code no
   * longer signs anyone in as them. Re-issuing their link releases the seat.
   */
  claimedAt?: string;
}

export interface NewAttendee {
  name: string;
  email: string;
  group?: string;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailSchema = z.email();

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && emailSchema.safeParse(email).success;
}

export function isActive(attendee: Attendee): boolean {
  return attendee.revokedAt === undefined;
}

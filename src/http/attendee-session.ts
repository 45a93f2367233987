import type { Context } from 'koa';
import { attendeeCookie } from '../auth/cookies.js';
import type { AttendeeSignIn } from '../auth/sign-in-session-store.js';
import { findSignInSession } from '../auth/sign-in-sessions.js';
import type { Attendee } from '../workshops/attendee.js';
import { signedInAttendee } from '../workshops/invite-check.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';

export interface SignedInAttendee {
  session: AttendeeSignIn;
  attendee: Attendee;
}

/** The attendee the request's workshop cookie signs in, while that sign-in still holds. */
export async function attendeeSessionOf(ctx: Context, stores: WorkshopStores, slug: string): Promise<AttendeeSignIn | null> {
  const session = await findSignInSession(ctx, stores.signInSessions, attendeeCookie(slug));
  return session?.kind === 'attendee' ? session : null;
}

export async function currentAttendee(ctx: Context, stores: WorkshopStores, slug: string): Promise<SignedInAttendee | null> {
  const session = await attendeeSessionOf(ctx, stores, slug);
  const attendee = await signedInAttendee(stores, session, slug);
  return session && attendee ? { session, attendee } : null;
}

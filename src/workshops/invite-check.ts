import { hashSecret, secretPattern } from '../auth/secrets.js';
import type { AttendeeSignIn } from '../auth/sign-in-session-store.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { Attendee } from './attendee.js';
import { noSuchWorkshop } from './workshop-admin.js';
import type { WorkshopStores } from './workshop-stores.js';
import { isOver, type Workshop } from './workshop.js';

type Stores = Pick<WorkshopStores, 'workshops' | 'attendees'>;

export function workshopEnded(workshop: Workshop): LauncherError {
  return new LauncherError(410, 'workshop-ended', `The workshop "${workshop.title}" is over, so its sign-in links no longer work. Ask the organizer if you need your files.`);
}

/** The attendee an invite secret belongs to, or the plain reason it does not sign anyone in. */
export async function checkInvite(stores: Stores, slug: string, secret: string, now = new Date()): Promise<{ workshop: Workshop; attendee: Attendee }> {
  const workshop = await stores.workshops.get(slug);
  if (!workshop) throw noSuchWorkshop(slug);
  const match = secretPattern.test(secret) ? await stores.attendees.findInvite(slug, hashSecret(secret)) : null;
  if (!match) {
    throw new LauncherError(404, 'unknown-invite', 'This sign-in link is not one this workshop issued. Check that you opened the whole link from your invitation, or ask the organizer for a new one.');
  }
  if (match.attendee.revokedAt) {
    throw new LauncherError(410, 'invite-revoked', 'This sign-in link was withdrawn by the workshop\'s organizer. If you should still take part, ask them for a new link.');
  }
  if (!match.current) {
    throw new LauncherError(410, 'invite-revoked', 'This sign-in link was replaced by a newer one. Use the most recent link the organizer sent you, or ask them for a new one.');
  }
  if (isOver(workshop, now)) throw workshopEnded(workshop);
  return { workshop, attendee: match.attendee };
}

/** The attendee a browser session signs in, while that session still holds: same workshop, not removed, invite not replaced. */
export async function signedInAttendee(stores: Stores, session: AttendeeSignIn | null, slug: string): Promise<Attendee | null> {
  if (!session || session.workshop !== slug) return null;
  const attendee = await stores.attendees.get(slug, session.attendeeId);
  if (!attendee || attendee.revokedAt || attendee.inviteVersion !== session.inviteVersion) return null;
  return attendee;
}

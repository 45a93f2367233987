import { LauncherError } from '../errors/launcher-error.js';
import { accessCodeMatches } from './access-code.js';
import { isValidEmail, normaliseEmail, type Attendee } from './attendee.js';
import type { WorkshopStores } from './workshop-stores.js';
import type { Workshop } from './workshop.js';

type Stores = Pick<WorkshopStores, 'attendees'>;

/**
 * The attendee that the room's code and an email sign in, claiming their seat: the code signs
 * in as an attendee only until someone first signs in as them (by code or personal link).
 * Without that, anyone in the room who knows a colleague's email could take over their server
 * and files. Refusals are LauncherErrors whose message is shown on the sign-in form.
 */
export async function claimSeatWithCode(stores: Stores, workshop: Workshop, typedCode: string, typedEmail: string, now = new Date()): Promise<Attendee> {
  const email = normaliseEmail(typedEmail);
  if (!workshop.accessCode) {
    throw new LauncherError(403, 'code-sign-in-off', 'This workshop signs in with personal links only: open the link the organizer sent you. Lost it? Ask the organizer to re-issue it.');
  }
  if (!accessCodeMatches(workshop.accessCode, typedCode)) {
    throw new LauncherError(400, 'wrong-code', 'That is not this workshop\'s code: check it on the organizer\'s slide (eight letters and digits, like K7PQ-4XMD) and try again.');
  }
  if (!isValidEmail(email)) throw new LauncherError(400, 'bad-email', 'That does not look like an email address; check it and try again.');
  const attendee = await stores.attendees.findByEmail(workshop.slug, email);
  if (!attendee) {
    throw new LauncherError(400, 'not-registered', `${email} is not registered for this workshop: check the spelling, or use the email the organizer registered (the one their invitation went to).`);
  }
  if (attendee.revokedAt) {
    throw new LauncherError(410, 'attendee-removed', 'Your registration for this workshop was withdrawn by the organizer. If you should still take part, ask them to add you again.');
  }
  const outcome = await stores.attendees.claim(workshop.slug, attendee.id, now.toISOString());
  if (outcome !== 'claimed') {
    throw new LauncherError(409, 'seat-claimed', `Someone already signed in as ${email} (perhaps you, on another device), so the workshop code no longer signs in as this attendee. Open the personal link from your invitation, or ask the organizer to re-issue your link.`);
  }
  return { ...attendee, claimedAt: now.toISOString() };
}

/** A sign-in by personal link claims the seat too, so the code cannot take over a seat its owner already uses. */
export async function claimSeatWithInvite(stores: Stores, attendee: Attendee, now = new Date()): Promise<void> {
  await stores.attendees.claim(attendee.workshop, attendee.id, now.toISOString());
}

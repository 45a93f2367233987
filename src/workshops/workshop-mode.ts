export type WorkshopMode = 'anonymous' | 'registered';

/**
 * The switch: a workshop link hands out anonymous servers until its first attendee is
 * registered, and asks for a sign-in from then on. Removed (revoked) attendees do not count.
 */
export function workshopMode(activeAttendees: number): WorkshopMode {
  return activeAttendees > 0 ? 'registered' : 'anonymous';
}

import { isOver, type Workshop } from '../workshops/workshop.js';

export type WarmupWindow = 'scheduled' | 'active' | 'over';

/** When the warm-up of a workshop begins: `leadMs` before its start time. */
export function warmupBeginsAt(workshop: Workshop, leadMs: number): number {
  return Date.parse(workshop.startsAt) - leadMs;
}

/**
 * Whether a workshop should be warm now: from `leadMs` before its start until it is over. An
 * organizer's "warm now" (`forced`) opens the window early; nothing warms an ended workshop.
 */
export function warmupWindow(workshop: Workshop, now: number, leadMs: number, forced = false): WarmupWindow {
  if (isOver(workshop, new Date(now))) return 'over';
  return forced || now >= warmupBeginsAt(workshop, leadMs) ? 'active' : 'scheduled';
}

/** The attendees whose servers a warm-up starts: the first `count` registered, revoked ones left out. */
export function attendeesToWarm<T extends { createdAt: string; revokedAt?: string }>(attendees: T[], count: number): T[] {
  return attendees
    .filter((attendee) => attendee.revokedAt === undefined)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .slice(0, count);
}

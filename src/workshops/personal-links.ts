import { stringify } from 'csv-stringify/sync';
import type { Attendee } from './attendee.js';

export interface IssuedInvite {
  attendee: Attendee;
  /** The plain invite secret: it exists only in this answer, the store keeps its hash. */
  secret: string;
}

export function personalLink(publicBase: string, slug: string, secret: string): string {
  return `${publicBase}/w/${slug}/join?invite=${encodeURIComponent(secret)}`;
}

/** name,email,group,link: ready for a mail merge. */
export function linksCsv(publicBase: string, invites: IssuedInvite[]): string {
  return stringify(
    invites.map(({ attendee, secret }) => [attendee.name, attendee.email, attendee.group ?? '', personalLink(publicBase, attendee.workshop, secret)]),
    // A name starting with = or + must not become a formula in the organizer's spreadsheet.
    { header: true, columns: ['name', 'email', 'group', 'link'], escape_formulas: true },
  );
}

import type { IncomingMessage } from 'node:http';
import type { ServerOwner } from '../proxy/route-store.js';
import { signedInAttendee } from '../workshops/invite-check.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';
import { attendeeCookie } from './cookies.js';
import { bearerToken, organizerFromHeaders } from './organizer-auth.js';
import { signInSessionFromCookie } from './sign-in-sessions.js';

/** `owner` and `organizer` pass; `forbidden` is another attendee of the workshop; `sign-in` is everyone else. */
export type AccessDecision = 'owner' | 'organizer' | 'forbidden' | 'sign-in';

export interface Visitor {
  /** The attendee signed in to the server's workshop (a current session), or null. */
  attendeeId: string | null;
  organizer: boolean;
}

/**
 * Who may reach an attendee's persistent server: that attendee and organizers. Another attendee
 * of the workshop is refused (403); a visitor not signed in to the workshop is sent to its
 * sign-in page, whatever Jupyter token they hold.
 */
export function decideServerAccess(owner: ServerOwner, visitor: Visitor): AccessDecision {
  if (visitor.attendeeId === owner.attendeeId) return 'owner';
  if (visitor.organizer) return 'organizer';
  return visitor.attendeeId ? 'forbidden' : 'sign-in';
}

export function admitted(decision: AccessDecision): boolean {
  return decision === 'owner' || decision === 'organizer';
}

/** Reads the visitor from the request's cookies and Authorization header (HTTP and WebSocket alike). */
export class ServerAccess {
  constructor(private readonly stores: Pick<WorkshopStores, 'workshops' | 'attendees' | 'signInSessions' | 'organizerTokens'>) {}

  /**
   * The decision for this request. An organizer let in by a bearer token loses the header: the
   * server's owner runs code there and could read it. Throws 401 `bad-token` for a wrong bearer token.
   */
  async admit(req: IncomingMessage, owner: ServerOwner): Promise<AccessDecision> {
    const attendeeId = await this.attendeeOf(req.headers.cookie, owner.workshop);
    if (attendeeId === owner.attendeeId) return 'owner';
    const organizer = await organizerFromHeaders({ authorization: req.headers.authorization, cookie: req.headers.cookie }, this.stores);
    const decision = decideServerAccess(owner, { attendeeId, organizer: organizer !== null });
    if (decision === 'organizer' && bearerToken(req.headers.authorization) !== undefined) delete req.headers.authorization;
    return decision;
  }

  private async attendeeOf(cookie: string | undefined, workshop: string): Promise<string | null> {
    const session = await signInSessionFromCookie(cookie, this.stores.signInSessions, attendeeCookie(workshop));
    if (session?.kind !== 'attendee') return null;
    return (await signedInAttendee(this.stores, session, workshop))?.id ?? null;
  }
}

import type { IncomingMessage } from 'node:http';
import type { ServerOwner } from '../proxy/route-store.js';
import { signedInAttendee } from '../workshops/invite-check.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';
import { attendeeCookie } from './cookies.js';
import { bearerToken, organizerFromHeaders } from './organizer-auth.js';
import { grantFromCookie } from './server-handoff.js';
import type { ServerGrant, ServerHandoffStore } from './server-handoff-store.js';
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

const nobody: Visitor = { attendeeId: null, organizer: false };

/**
 * Reads the visitor from the request's cookies and Authorization header (HTTP and WebSocket
 * alike). With `grants` (servers have their own origin, `serverOrigin`), the launcher's own
 * sign-in cookies do not count, since browsers keep them on the launcher's origin: only the
 * server origin's cookie from a redeemed hand-off for exactly this server does, whose holder's
 * sign-in must still hold. An organizer's bearer token counts on either origin.
 */
export class ServerAccess {
  constructor(
    private readonly stores: Pick<WorkshopStores, 'workshops' | 'attendees' | 'signInSessions' | 'organizerTokens'>,
    private readonly grants?: ServerHandoffStore,
  ) {}

  /**
   * The decision for this request. An organizer let in by a bearer token loses the header: the
   * server's owner runs code there and could read it. Throws 401 `bad-token` for a wrong bearer token.
   */
  async admit(req: IncomingMessage, owner: ServerOwner): Promise<AccessDecision> {
    const cookie = req.headers.cookie;
    const visitor = this.grants
      ? await this.visitorOfGrant(await grantFromCookie(this.grants, cookie), owner)
      : { attendeeId: await this.attendeeOf(cookie, owner.workshop), organizer: false };
    if (visitor.attendeeId === owner.attendeeId) return 'owner';
    const headers = { authorization: req.headers.authorization, cookie: this.grants ? undefined : cookie };
    const organizer = visitor.organizer || (await organizerFromHeaders(headers, this.stores)) !== null;
    const decision = decideServerAccess(owner, { attendeeId: visitor.attendeeId, organizer });
    if (decision === 'organizer' && bearerToken(req.headers.authorization) !== undefined) delete req.headers.authorization;
    return decision;
  }

  private async attendeeOf(cookie: string | undefined, workshop: string): Promise<string | null> {
    const session = await signInSessionFromCookie(cookie, this.stores.signInSessions, attendeeCookie(workshop));
    if (session?.kind !== 'attendee') return null;
    return (await signedInAttendee(this.stores, session, workshop))?.id ?? null;
  }

  /** Who holds a grant, while their sign-in (or token) holds; a grant for another server only tells which attendee they are. */
  private async visitorOfGrant(grant: ServerGrant | null, owner: ServerOwner): Promise<Visitor> {
    if (!grant) return nobody;
    const forThisServer = grant.server.workshop === owner.workshop && grant.server.attendeeId === owner.attendeeId;
    const session = grant.holder.kind === 'session' ? await this.stores.signInSessions.get(grant.holder.sessionHash) : null;
    if (session?.kind === 'attendee') {
      const attendeeId = (await signedInAttendee(this.stores, session, owner.workshop))?.id ?? null;
      return { attendeeId: forThisServer || attendeeId !== owner.attendeeId ? attendeeId : null, organizer: false };
    }
    const tokenId = session?.kind === 'organizer' ? session.tokenId : grant.holder.kind === 'organizer-token' ? grant.holder.tokenId : null;
    const organizer = forThisServer && tokenId !== null && (await this.stores.organizerTokens.get(tokenId)) !== null;
    return { attendeeId: null, organizer };
  }
}

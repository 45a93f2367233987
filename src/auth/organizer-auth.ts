import type { Context, Next } from 'koa';
import { LauncherError } from '../errors/launcher-error.js';
import { wantsHtml } from '../http/negotiation.js';
import type { Actor } from './actor.js';
import { organizerCookie } from './cookies.js';
import { assertCsrf, isStateChanging } from './csrf.js';
import type { OrganizerTokenStore } from './organizer-token-store.js';
import { verifyOrganizerToken } from './organizer-tokens.js';
import type { SignInSessionStore } from './sign-in-session-store.js';
import { signInSessionFromCookie } from './sign-in-sessions.js';

export interface OrganizerAuthDeps {
  organizerTokens: OrganizerTokenStore;
  signInSessions: SignInSessionStore;
}

export interface OrganizerIdentity extends Actor {
  via: 'bearer' | 'session';
  tokenId: string;
  /** Only for cookie sessions: what state-changing requests must send back. */
  csrfToken?: string;
}

export const organizerSignInPath = '/organizer/sign-in';

/** The request headers that carry credentials; the proxy has them without a Koa context. */
export interface CredentialHeaders {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * The organizer behind the request: a bearer token in the Authorization header, else the
 * organizer session cookie (whose token must still exist: revoking a token ends its sessions).
 * A wrong bearer token is refused outright rather than falling back to the cookie.
 */
export function authenticateOrganizer(ctx: Context, deps: OrganizerAuthDeps): Promise<OrganizerIdentity | null> {
  return organizerFromHeaders({ authorization: ctx.get('authorization'), cookie: ctx.get('cookie') }, deps);
}

export async function organizerFromHeaders(headers: CredentialHeaders, deps: OrganizerAuthDeps): Promise<OrganizerIdentity | null> {
  const bearer = bearerToken(headers.authorization);
  if (bearer !== undefined) {
    const token = await verifyOrganizerToken(deps.organizerTokens, bearer);
    if (!token) throw new LauncherError(401, 'bad-token', 'This bearer token is not a current organizer token. Check it, or ask another organizer for a new one.');
    return { via: 'bearer', tokenId: token.id, label: token.label };
  }
  const session = await signInSessionFromCookie(headers.cookie, deps.signInSessions, organizerCookie);
  if (session?.kind !== 'organizer') return null;
  const token = await deps.organizerTokens.get(session.tokenId);
  if (!token) return null;
  return { via: 'session', tokenId: token.id, label: token.label, csrfToken: session.csrfToken };
}

export function signInRedirect(ctx: Context): string {
  const next = ctx.method === 'GET' ? ctx.path : '';
  return next ? `${organizerSignInPath}?next=${encodeURIComponent(next)}` : organizerSignInPath;
}

/**
 * Lets organizers through (ctx.state.organizer): API clients without one get 401 JSON, browsers
 * the sign-in page. State-changing requests from a cookie session must carry the CSRF token.
 */
export function requireOrganizer(deps: OrganizerAuthDeps) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const identity = await authenticateOrganizer(ctx, deps);
    if (!identity) {
      if (wantsHtml(ctx.req)) {
        ctx.status = 303;
        ctx.redirect(signInRedirect(ctx));
        return;
      }
      ctx.set('WWW-Authenticate', 'Bearer realm="nblaunch"');
      throw new LauncherError(401, 'sign-in-required', 'Only organizers may do this. Send an organizer token as "Authorization: Bearer <token>", or sign in at /organizer/sign-in.');
    }
    if (identity.via === 'session' && isStateChanging(ctx.method)) await assertCsrf(ctx, identity.csrfToken!);
    ctx.state.organizer = identity;
    await next();
  };
}

/** The organizer that requireOrganizer let through. */
export function organizerOf(ctx: Context): OrganizerIdentity {
  const identity = ctx.state.organizer as OrganizerIdentity | undefined;
  if (!identity) throw new Error('organizerOf used on a route without requireOrganizer');
  return identity;
}

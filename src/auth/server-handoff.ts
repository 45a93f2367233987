import { LauncherError } from '../errors/launcher-error.js';
import { readCookie } from './cookies.js';
import { hashSecret, newSecret, secretPattern } from './secrets.js';
import type { GrantHolder, Handoff, ServerGrant, ServerHandoffStore } from './server-handoff-store.js';

/** How long a hand-off code waits to be redeemed. */
export const handoffTtlMs = 60_000;

/**
 * The server origin's own cookie, set by a redeemed hand-off with `Path=/s/<id>/`. Its
 * `nblaunch_` prefix keeps it from ever reaching a notebook server (proxy/launcher-cookies.ts).
 */
export const serverGrantCookie = 'nblaunch_server';

/** The holder for a browser signed in with the cookie `cookieName`, or null without a well-formed one. */
export function sessionHolder(cookieHeader: string | undefined, cookieName: string): GrantHolder | null {
  const id = readCookie(cookieHeader, cookieName);
  return id && secretPattern.test(id) ? { kind: 'session', sessionHash: hashSecret(id) } : null;
}

/** Makes a one-time code for the hand-off; only its hash is stored, for `handoffTtlMs`. */
export async function issueHandoff(store: ServerHandoffStore, handoff: Handoff): Promise<string> {
  const code = newSecret();
  await store.saveCode(hashSecret(code), handoff, handoffTtlMs);
  return code;
}

export interface RedeemedHandoff {
  handoff: Handoff;
  /** The new grant's secret: the value of the server-origin cookie. */
  grantId: string;
}

const openAgain = 'Open your server again from the workshop page: every click on "Open my server" makes a new link.';

/**
 * Takes the code (once: a second try finds nothing) and stores a grant for the server it was
 * made for. A code that is unknown, used or expired answers 410; another server's code, 403.
 */
export async function redeemHandoff(store: ServerHandoffStore, serverId: string, code: string | undefined, grantTtlMs: number): Promise<RedeemedHandoff> {
  const handoff = code && secretPattern.test(code) ? await store.takeCode(hashSecret(code)) : null;
  if (!handoff) {
    throw new LauncherError(410, 'handoff-expired', `This link to a notebook server was already used, or it expired: such links work once, within a minute. ${openAgain}`);
  }
  if (handoff.serverId !== serverId) {
    throw new LauncherError(403, 'handoff-wrong-server', `This link was made for another notebook server than the one in its address. ${openAgain}`);
  }
  const grantId = newSecret();
  await store.saveGrant(hashSecret(grantId), handoff.grant, grantTtlMs);
  return { handoff, grantId };
}

/** The grant named by the request's server-origin cookie, if it exists and has not expired. */
export async function grantFromCookie(store: ServerHandoffStore, cookieHeader: string | undefined): Promise<ServerGrant | null> {
  const id = readCookie(cookieHeader, serverGrantCookie);
  return id && secretPattern.test(id) ? store.getGrant(hashSecret(id)) : null;
}

import type { Context } from 'koa';
import { LauncherError } from '../errors/launcher-error.js';
import { readForm } from '../http/request-body.js';
import { readCookie, setCookie } from './cookies.js';
import { csrfField } from './csrf.js';
import { newSecret, sameSecret, secretPattern } from './secrets.js';

/**
 * Sign-in forms come before any session, so their CSRF token is a double submit: a random value
 * in this cookie (set when the form is served) and the same value in the form's `_csrf` field.
 * Another site can make a browser post a form, but cannot read or set this cookie to match.
 * Its `nblaunch_` prefix keeps it from ever reaching a notebook server.
 */
export const signInFormCookie = 'nblaunch_form';

const formCookieSeconds = 24 * 3600;

/** The token for a sign-in form this response shows: the browser's current one, else a new one set as a cookie. */
export function signInFormToken(ctx: Context, secureCookies: boolean): string {
  const current = readCookie(ctx.get('cookie'), signInFormCookie);
  if (current && secretPattern.test(current)) return current;
  const token = newSecret();
  setCookie(ctx, signInFormCookie, token, { secure: secureCookies, maxAgeSeconds: formCookieSeconds });
  return token;
}

const refusal = () => new LauncherError(403, 'sign-in-csrf', 'This sign-in did not come from this site\'s own sign-in page, so it was refused (another site may have tried to sign your browser in). Open the sign-in page again and sign in from there.');

/**
 * Whether the browser says the request came from another site: `Sec-Fetch-Site` other than
 * same-origin (or `none`: typed or bookmarked), else an `Origin` whose host is neither the
 * request's own nor the public address's. Same-site is refused too: with servers on sibling
 * host names, a notebook server is same-site with the launcher.
 */
export function isCrossSite(ctx: Context, publicUrl: string): boolean {
  const fetchSite = ctx.get('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = ctx.get('origin');
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return true;
  }
  return host !== ctx.host && (!publicUrl || host !== new URL(publicUrl).host);
}

/** Refuses a sign-in post that came from another site or does not carry its form's token (403 `sign-in-csrf`). */
export async function assertSignInForm(ctx: Context, publicUrl: string): Promise<void> {
  if (isCrossSite(ctx, publicUrl)) throw refusal();
  const expected = readCookie(ctx.get('cookie'), signInFormCookie) ?? '';
  const sent = (await readForm(ctx)).get(csrfField) ?? '';
  if (!secretPattern.test(expected) || !sameSecret(sent, expected)) throw refusal();
}

import type { Context } from 'koa';
import { LauncherError } from '../errors/launcher-error.js';
import { readForm } from '../http/request-body.js';
import { sameSecret } from './secrets.js';

export const csrfField = '_csrf';
export const csrfHeader = 'x-csrf-token';

export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/** The synchronizer token sent with the request: the X-CSRF-Token header, else the `_csrf` form field (or query parameter for `fromQuery`). */
async function sentToken(ctx: Context, fromQuery: boolean): Promise<string> {
  const header = ctx.get(csrfHeader);
  if (header) return header;
  if (fromQuery) {
    const query = ctx.query[csrfField];
    if (typeof query === 'string') return query;
  }
  return (await readForm(ctx)).get(csrfField) ?? '';
}

/**
 * Refuses a request from a cookie session that does not carry the session's CSRF token: another
 * site can make the browser send the cookie, but cannot read the token to send with it.
 */
export async function assertCsrf(ctx: Context, expected: string, options: { fromQuery?: boolean } = {}): Promise<void> {
  const sent = await sentToken(ctx, options.fromQuery ?? false);
  if (!sent || !sameSecret(sent, expected)) {
    throw new LauncherError(403, 'csrf', 'This request did not carry the page\'s security token (CSRF), so it was refused. Reload the page and try again; API clients should use a bearer token, or send the X-CSRF-Token header.');
  }
}

import type { Context } from 'koa';

export const organizerCookie = 'nblaunch_organizer';

/** One cookie per workshop, so signing in to one workshop never signs anyone out of another. */
export function attendeeCookie(slug: string): string {
  return `nblaunch_w_${slug}`;
}

export interface CookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
  /** `/` unless given: the server origin's cookies are scoped to one server (`/s/<id>/`). */
  path?: string;
}

/**
 * Written by hand rather than through ctx.cookies: Koa refuses Secure cookies on a request it
 * sees as plain http, which is what it sees behind a TLS proxy without trustProxy.
 */
export function serializeCookie(name: string, value: string, settings: CookieSettings): string {
  const parts = [`${name}=${value}`, `Path=${settings.path ?? '/'}`, `Max-Age=${Math.floor(settings.maxAgeSeconds)}`, 'HttpOnly', 'SameSite=Lax'];
  if (settings.secure) parts.push('Secure');
  return parts.join('; ');
}

export function setCookie(ctx: Context, name: string, value: string, settings: CookieSettings): void {
  ctx.append('Set-Cookie', serializeCookie(name, value, settings));
}

export function clearCookie(ctx: Context, name: string, secure: boolean): void {
  ctx.append('Set-Cookie', serializeCookie(name, '', { secure, maxAgeSeconds: 0 }));
}

/** The value of cookie `name` from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

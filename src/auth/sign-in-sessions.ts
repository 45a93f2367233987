import type { Context } from 'koa';
import type { AttendeeSignIn, OrganizerSignIn, SignInSession, SignInSessionStore } from './sign-in-session-store.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { hashSecret, newSecret, secretPattern } from './secrets.js';

export interface SessionSettings {
  sessionHours: number;
  secureCookies: boolean;
}

type NewSession = Omit<OrganizerSignIn, 'csrfToken' | 'createdAt'> | Omit<AttendeeSignIn, 'csrfToken' | 'createdAt'>;

/** Starts a browser session: a random id in an HttpOnly cookie, only its hash in the store. */
export async function startSignInSession(ctx: Context, store: SignInSessionStore, cookieName: string, session: NewSession, settings: SessionSettings): Promise<SignInSession> {
  const id = newSecret();
  const full = { ...session, csrfToken: newSecret(), createdAt: new Date().toISOString() } as SignInSession;
  const ttlMs = settings.sessionHours * 3600_000;
  await store.save(hashSecret(id), full, ttlMs);
  setCookie(ctx, cookieName, id, { secure: settings.secureCookies, maxAgeSeconds: ttlMs / 1000 });
  return full;
}

/** The session named by the request's cookie, if it exists and has not expired. */
export function findSignInSession(ctx: Context, store: SignInSessionStore, cookieName: string): Promise<SignInSession | null> {
  return signInSessionFromCookie(ctx.get('cookie'), store, cookieName);
}

/** The same from a raw Cookie header, for the proxy's path without Koa. */
export async function signInSessionFromCookie(cookieHeader: string | undefined, store: SignInSessionStore, cookieName: string): Promise<SignInSession | null> {
  const id = readCookie(cookieHeader, cookieName);
  if (!id || !secretPattern.test(id)) return null;
  return store.get(hashSecret(id));
}

export async function endSignInSession(ctx: Context, store: SignInSessionStore, cookieName: string, settings: SessionSettings): Promise<void> {
  const id = readCookie(ctx.get('cookie'), cookieName);
  if (id && secretPattern.test(id)) await store.remove(hashSecret(id));
  clearCookie(ctx, cookieName, settings.secureCookies);
}

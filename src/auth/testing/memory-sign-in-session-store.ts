import type { SignInSession, SignInSessionStore } from '../sign-in-session-store.js';

/** An in-process SignInSessionStore; sessions expire after their time-to-live, as in Redis. */
export class MemorySignInSessionStore implements SignInSessionStore {
  readonly sessions = new Map<string, { session: SignInSession; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async save(idHash: string, session: SignInSession, ttlMs: number): Promise<void> {
    this.sessions.set(idHash, { session: { ...session }, expiresAt: this.now() + ttlMs });
  }

  async get(idHash: string): Promise<SignInSession | null> {
    const entry = this.sessions.get(idHash);
    if (!entry || entry.expiresAt <= this.now()) return null;
    return { ...entry.session };
  }

  async remove(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }
}

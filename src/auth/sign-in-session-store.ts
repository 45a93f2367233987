export interface OrganizerSignIn {
  kind: 'organizer';
  tokenId: string;
  label: string;
  csrfToken: string;
  createdAt: string;
}

export interface AttendeeSignIn {
  kind: 'attendee';
  workshop: string;
  attendeeId: string;
  /** The invite this session came from: re-issuing or revoking the invite ends the session. */
  inviteVersion: number;
  csrfToken: string;
  createdAt: string;
}

export type SignInSession = OrganizerSignIn | AttendeeSignIn;

/** Browser sessions, keyed by the SHA-256 of the cookie's value; they expire by themselves. */
export interface SignInSessionStore {
  save(idHash: string, session: SignInSession, ttlMs: number): Promise<void>;
  get(idHash: string): Promise<SignInSession | null>;
  remove(idHash: string): Promise<void>;
}

/** An organizer token as stored: the token itself is never kept, only its SHA-256. */
export interface OrganizerTokenRecord {
  id: string;
  label: string;
  /** ISO time. */
  createdAt: string;
  tokenHash: string;
}

export type AddTokenOutcome = 'added' | 'exists' | 'not-first';

/** Where organizer tokens live (Redis in production); every method may throw a 503 LauncherError. */
export interface OrganizerTokenStore {
  /**
   * Adds the record atomically: 'exists' when a token with that hash is already stored; with
   * `onlyIfNone`, 'not-first' when any token exists (two launchers starting at once make one).
   */
  add(record: OrganizerTokenRecord, options?: { onlyIfNone?: boolean }): Promise<AddTokenOutcome>;
  findByHash(tokenHash: string): Promise<OrganizerTokenRecord | null>;
  get(id: string): Promise<OrganizerTokenRecord | null>;
  /** Oldest first. */
  list(): Promise<OrganizerTokenRecord[]>;
  /** Resolves false when there was no such token. */
  remove(id: string): Promise<boolean>;
}

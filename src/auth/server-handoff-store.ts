import type { ServerOwner } from '../proxy/route-store.js';

/**
 * Who a server-origin grant was given to, checked again on every request: a browser sign-in
 * on the launcher's own origin (an attendee's or an organizer's; signing out, removal or a
 * replaced link ends the grant with it), or an organizer's token (API clients).
 */
export type GrantHolder =
  | { kind: 'session'; sessionHash: string }
  | { kind: 'organizer-token'; tokenId: string };

/** The proof, on the server origin, that its holder may reach exactly one persistent server. */
export interface ServerGrant {
  server: ServerOwner;
  holder: GrantHolder;
}

/** A one-time hand-off code's record: the grant it turns into and the page it leads to. */
export interface Handoff {
  serverId: string;
  grant: ServerGrant;
  /** The page inside the server, relative to its base URL (e.g. `tree?token=...`). */
  page: string;
}

/**
 * Hand-off codes and the grants they are redeemed for, each keyed by the SHA-256 of its secret
 * and expiring by itself. A code is taken at most once, even by two launchers at the same time.
 */
export interface ServerHandoffStore {
  saveCode(codeHash: string, handoff: Handoff, ttlMs: number): Promise<void>;
  /** The code's record, removed in the same step; null when it was never made, is used or expired. */
  takeCode(codeHash: string): Promise<Handoff | null>;
  saveGrant(idHash: string, grant: ServerGrant, ttlMs: number): Promise<void>;
  getGrant(idHash: string): Promise<ServerGrant | null>;
}

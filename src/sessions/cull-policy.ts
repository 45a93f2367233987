import type { EndReason, SessionRecord } from './session-store.js';

export interface CullLimits {
  idleTimeoutMs: number;
}

/**
 * Why a session should end now, or null. `lastActivity` is the newest of the proxy's record,
 * the server's own report and the start time. A persistent server (with an owner) has no
 * maximum age: its workshop's end stops it.
 */
export function cullReason(session: Pick<SessionRecord, 'expiresAt' | 'owner'>, lastActivity: number, now: number, limits: CullLimits): EndReason | null {
  if (!session.owner && now >= session.expiresAt) return 'max-age';
  if (now - lastActivity >= limits.idleTimeoutMs) return 'idle';
  return null;
}

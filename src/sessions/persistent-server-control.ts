import type { SessionRecord } from './session-store.js';

export type StopReason = 'idle' | 'workshop-ended' | 'organizer' | 'attendee-removed' | 'server-stopped' | 'restart' | 'made-room' | 'disk-limit' | 'home-limit';

/**
 * What the culler and the reconciler ask of persistent servers (a workshop attendee's, see
 * `persistent/`): they stop, and their container and home volume stay for the next start.
 */
export interface PersistentServerControl {
  /** Stops the server if it runs: its route and capacity slot go, its container and volume stay. */
  stop(id: string, reason: StopReason): Promise<void>;
  /** Why the server must stop now whatever its activity (its workshop is over), or null. */
  mustStop(session: SessionRecord): Promise<StopReason | null>;
  /** Every persistent server the launcher knows, running or stopped: their containers are no orphans. */
  knownIds(): Promise<Set<string>>;
}

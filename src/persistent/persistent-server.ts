import type { ServerOwner } from '../proxy/route-store.js';
import type { StopReason } from '../sessions/persistent-server-control.js';

export type PersistentState = 'starting' | 'running' | 'stopped';

/**
 * A workshop attendee's own notebook server. It outlives its container's runs: stopped when
 * idle or when the workshop ends, started again when the attendee comes back, always on the
 * same home volume and with the same token.
 */
export interface PersistentServer {
  /** `ws-<workshop>-<attendee id>`: names the container, the route and the base URL. */
  id: string;
  workshop: string;
  attendeeId: string;
  token: string;
  /** The image its container was made from. */
  image: string;
  volume: string;
  state: PersistentState;
  /** When it first started. */
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stopReason?: StopReason;
  /** When its attendee first opened it; none while only warmed ahead of the workshop. */
  firstOpenedAt?: number;
  /** The newest activity seen up to its last stop. */
  lastActivity?: number;
}

export function persistentServerId(owner: ServerOwner): string {
  return `ws-${owner.workshop}-${owner.attendeeId}`;
}

/** Deterministic, so a lost record never loses the files: the same attendee always mounts the same volume. */
export function homeVolumeName(instance: string, owner: ServerOwner): string {
  return `nblaunch-${instance}-${persistentServerId(owner)}`;
}

/**
 * The address a persistent server's capacity slot is held in: one per attendee, so a room of
 * attendees behind one public address is not held to `capacity.maxServersPerIp`.
 */
export function ownerAddress(owner: ServerOwner): string {
  return `attendee:${owner.workshop}/${owner.attendeeId}`;
}

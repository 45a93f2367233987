import type { StopReason } from '../sessions/persistent-server-control.js';
import type { SessionRecord } from '../sessions/session-store.js';
import type { Attendee } from '../workshops/attendee.js';
import type { PersistentServer } from './persistent-server.js';

export type ServerStatus = 'never-started' | 'starting' | 'running' | 'stopped';

export interface AttendeeServerInfo {
  status: ServerStatus;
  /** ISO time of the newest activity the launcher saw, or null. */
  lastActivity: string | null;
  /** Why a stopped server stopped last, when the record says. */
  stopReason?: StopReason;
}

export interface StatusFacts {
  server?: PersistentServer;
  /** Its session, while it runs. */
  session?: SessionRecord;
  /** Whether it holds a capacity slot (a start in progress holds one before it has a session). */
  reserved: boolean;
  /** The route's last activity and what the proxy saw since, while it runs. */
  routeActivity?: number;
}

const iso = (time: number | undefined) => (time && time > 0 ? new Date(time).toISOString() : null);

/**
 * What the dashboard shows for an attendee, from what exists rather than from what a record
 * says: a record left "starting" by a launcher that died holds no slot, so it shows stopped.
 */
export function serverStatus(facts: StatusFacts): AttendeeServerInfo {
  const { server, session, reserved, routeActivity } = facts;
  if (!server) return { status: 'never-started', lastActivity: null };
  if (session) return { status: 'running', lastActivity: iso(Math.max(session.createdAt, routeActivity ?? 0, server.lastActivity ?? 0)) };
  if (server.state === 'starting' && reserved) return { status: 'starting', lastActivity: iso(server.lastActivity) };
  return { status: 'stopped', lastActivity: iso(server.lastActivity ?? server.stoppedAt), ...(server.stopReason ? { stopReason: server.stopReason } : {}) };
}

/** The attendee's folder in an export: a readable name, then the id, which makes it unique. */
export function archiveFolder(attendee: Pick<Attendee, 'id' | 'name' | 'email'> | undefined, attendeeId: string): string {
  const readable = (attendee?.name || attendee?.email || 'attendee')
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 60);
  return `${readable || 'attendee'}-${attendeeId}`;
}

import type { PersistentServer } from './persistent-server.js';

/** Where persistent servers are recorded (Redis in production); every method may throw a 503 LauncherError. */
export interface PersistentServerStore {
  /** Creates or replaces the record. */
  save(server: PersistentServer): Promise<void>;
  get(id: string): Promise<PersistentServer | null>;
  /** The servers of one workshop, by id. */
  listOf(workshop: string): Promise<PersistentServer[]>;
  /** Ids of every persistent server, running or stopped. */
  ids(): Promise<string[]>;
  remove(id: string): Promise<void>;
}

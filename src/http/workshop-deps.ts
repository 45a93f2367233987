import type { ServerHandoffStore } from '../auth/server-handoff-store.js';
import type { RateLimiter } from '../build/rate-limiter.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { WorkshopServers } from '../persistent/workshop-servers.js';
import type { WorkshopWarmer } from '../warmup/workshop-warmer.js';
import { AttendeeAdmin } from '../workshops/attendee-admin.js';
import { WorkshopAdmin } from '../workshops/workshop-admin.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';

/** What the organizer, workshop and attendee routes need (a part of AppDeps). */
export interface WorkshopAppDeps {
  config: Config;
  logger: Logger;
  rateLimiter: RateLimiter;
  workshopStores: WorkshopStores;
  /** Attendees' persistent servers and their files. */
  workshopServers: WorkshopServers;
  /** Where opening an attendee's server makes its one-time hand-off to the server origin. */
  serverHandoffs: ServerHandoffStore;
  /** Builds images and warms servers ahead of each workshop. */
  warmer: Pick<WorkshopWarmer, 'status' | 'warmNow'>;
}

export interface WorkshopAdmins {
  workshops: WorkshopAdmin;
  attendees: AttendeeAdmin;
}

export function workshopAdmins(deps: WorkshopAppDeps): WorkshopAdmins {
  const adminDeps = { stores: deps.workshopStores, settings: deps.config, logger: deps.logger };
  const workshops = new WorkshopAdmin(adminDeps);
  return { workshops, attendees: new AttendeeAdmin(adminDeps, workshops) };
}

export function sessionSettings(config: Config) {
  return { sessionHours: config.auth.sessionHours, secureCookies: config.auth.secureCookies };
}

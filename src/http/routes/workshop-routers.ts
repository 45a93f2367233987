import type Router from '@koa/router';
import type { WorkshopAppDeps } from '../workshop-deps.js';
import { attendeeServerRoutes } from './attendee-server-routes.js';
import { attendeeServersApi } from './attendee-servers-api.js';
import { attendeesApi } from './attendees-api.js';
import { organizerApi } from './organizer-api.js';
import { organizerPages } from './organizer-pages.js';
import { workshopPages } from './workshop-pages.js';
import { workshopsApi } from './workshops-api.js';

/** Organizer sign-in, the workshop and attendee API, the workshop link's pages, and attendees' own servers. */
export function workshopRouters(deps: WorkshopAppDeps): Router[] {
  return [organizerPages(deps), organizerApi(deps), workshopsApi(deps), attendeesApi(deps), attendeeServersApi(deps), workshopPages(deps), attendeeServerRoutes(deps)];
}

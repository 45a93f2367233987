import type Router from '@koa/router';
import type { WorkshopAppDeps } from '../workshop-deps.js';
import { attendeesApi } from './attendees-api.js';
import { organizerApi } from './organizer-api.js';
import { organizerPages } from './organizer-pages.js';
import { workshopPages } from './workshop-pages.js';
import { workshopsApi } from './workshops-api.js';

/** Organizer sign-in, the workshop and attendee API, and the workshop link's pages. */
export function workshopRouters(deps: WorkshopAppDeps): Router[] {
  return [organizerPages(deps), organizerApi(deps), workshopsApi(deps), attendeesApi(deps), workshopPages(deps)];
}

import Router from '@koa/router';
import { organizerOf, requireOrganizer } from '../../auth/organizer-auth.js';
import { LauncherError } from '../../errors/launcher-error.js';
import type { OpenedServer } from '../../persistent/persistent-servers.js';
import { isActive } from '../../workshops/attendee.js';
import { publicBaseUrl } from '../context.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { validSlug } from './workshops-api.js';

const actions = ['start', 'stop', 'restart'] as const;
type ServerAction = (typeof actions)[number];

function isServerAction(value: string | undefined): value is ServerAction {
  return (actions as readonly string[]).includes(value ?? '');
}

/** `POST /api/workshops/<slug>/attendees/<id>/server/{start,stop,restart}`: organizers only. */
export function attendeeServersApi(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/api/workshops/:slug/attendees/:id/server' });
  const { workshops } = workshopAdmins(deps);
  const servers = deps.workshopServers;

  router.post('/:action', requireOrganizer(deps.workshopStores), async (ctx) => {
    const action = ctx.params.action;
    if (!isServerAction(action)) throw new LauncherError(404, 'not-found', 'The server actions are start, stop and restart.');
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    const attendee = await deps.workshopStores.attendees.get(workshop.slug, ctx.params.id!);
    if (!attendee) throw new LauncherError(404, 'no-such-attendee', 'This workshop has no attendee with that id. List the attendees to see their ids.');
    const organizer = organizerOf(ctx);
    let opened: OpenedServer | null = null;
    if (action === 'stop') {
      await servers.stop(workshop.slug, attendee.id, 'organizer', organizer);
    } else {
      if (!isActive(attendee)) throw new LauncherError(409, 'attendee-removed', 'This attendee was removed from the workshop; re-issue their link first to let them back in.');
      opened = action === 'start' ? await servers.open(workshop, attendee, organizer) : await servers.restart(workshop, attendee, organizer);
    }
    const server = (await servers.statuses(workshop.slug)).get(attendee.id) ?? { status: 'never-started', lastActivity: null };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      attendeeId: attendee.id,
      server,
      // Organizers may open an attendee's server (to help them): its address and Jupyter token.
      ...(opened ? { url: `${publicBaseUrl(ctx, deps.config)}${opened.path}`, token: opened.token } : {}),
    };
  });

  return router;
}

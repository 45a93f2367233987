import Router from '@koa/router';
import type { Context } from 'koa';
import { organizerCookie } from '../../auth/cookies.js';
import { organizerOf, requireOrganizer, type OrganizerIdentity } from '../../auth/organizer-auth.js';
import { sessionHolder } from '../../auth/server-handoff.js';
import type { GrantHolder } from '../../auth/server-handoff-store.js';
import { LauncherError } from '../../errors/launcher-error.js';
import type { OpenedServer } from '../../persistent/persistent-servers.js';
import type { ServerOwner } from '../../proxy/route-store.js';
import { isActive } from '../../workshops/attendee.js';
import { publicBaseUrl } from '../context.js';
import { persistentServerLocation, serverUrl } from '../server-urls.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { validSlug } from './workshops-api.js';

const actions = ['start', 'stop', 'restart'] as const;
type ServerAction = (typeof actions)[number];

function isServerAction(value: string | undefined): value is ServerAction {
  return (actions as readonly string[]).includes(value ?? '');
}

/**
 * Where an organizer's browser opens the server: with a server origin, a hand-off in the name of
 * their sign-in (their session, or their token for API clients), so that origin lets them in.
 */
async function openFor(deps: WorkshopAppDeps, ctx: Context, organizer: OrganizerIdentity, owner: ServerOwner, opened: OpenedServer): Promise<string> {
  const holder: GrantHolder | null = organizer.via === 'session' ? sessionHolder(ctx.get('cookie'), organizerCookie) : { kind: 'organizer-token', tokenId: organizer.tokenId };
  const location = await persistentServerLocation(deps.config, deps.serverHandoffs, { id: opened.id, owner, page: `tree?token=${encodeURIComponent(opened.token)}` }, holder);
  return location.startsWith('/') ? `${publicBaseUrl(ctx, deps.config)}${location}` : location;
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
      // Organizers may open an attendee's server (to help them): its address, where to send a browser, and its Jupyter token.
      ...(opened ? { url: serverUrl(ctx, deps.config, opened.id), open: await openFor(deps, ctx, organizer, { workshop: workshop.slug, attendeeId: attendee.id }, opened), token: opened.token } : {}),
    };
  });

  return router;
}

import Router from '@koa/router';
import type { Context } from 'koa';
import { attendeeCookie } from '../../auth/cookies.js';
import { assertCsrf } from '../../auth/csrf.js';
import { sessionHolder } from '../../auth/server-handoff.js';
import { LauncherError } from '../../errors/launcher-error.js';
import type { Workshop } from '../../workshops/workshop.js';
import { currentAttendee, type SignedInAttendee } from '../attendee-session.js';
import { wantsHtml } from '../negotiation.js';
import { persistentServerLocation, serverUrl } from '../server-urls.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { sendArchive } from './work-archive.js';
import { validSlug } from './workshops-api.js';

function signInFirst(slug: string): LauncherError {
  return new LauncherError(401, 'sign-in-required', `Sign in to the workshop first, with your personal link (/w/${slug}).`);
}

/** Where a started server opens: the workshop's file the first time (it is there then), the file tree later. */
function openPath(workshop: Workshop, fresh: boolean): string {
  const file = workshop.repo?.file;
  return fresh && file ? `tree/${file.split('/').map(encodeURIComponent).join('/')}` : 'tree';
}

/** A signed-in attendee's own server (`POST /w/<slug>/open`) and their files (`GET /w/<slug>/my-work.tar.gz`). */
export function attendeeServerRoutes(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/w/:slug' });
  const { workshops } = workshopAdmins(deps);

  /** The workshop and its signed-in attendee; null when a browser was sent to the sign-in page instead. */
  async function signedIn(ctx: Context): Promise<({ workshop: Workshop } & SignedInAttendee) | null> {
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    const current = await currentAttendee(ctx, deps.workshopStores, workshop.slug);
    if (current) return { workshop, ...current };
    if (!wantsHtml(ctx.req)) throw signInFirst(workshop.slug);
    ctx.status = 303;
    ctx.redirect(`/w/${workshop.slug}/sign-in`);
    return null;
  }

  router.post('/open', async (ctx) => {
    const found = await signedIn(ctx);
    if (!found) return;
    const { workshop, session, attendee } = found;
    await assertCsrf(ctx, session.csrfToken);
    const opened = await deps.workshopServers.open(workshop, attendee, { via: 'attendee' });
    const page = `${openPath(workshop, opened.fresh)}?token=${encodeURIComponent(opened.token)}`;
    const owner = { workshop: workshop.slug, attendeeId: attendee.id };
    const target = await persistentServerLocation(deps.config, deps.serverHandoffs, { id: opened.id, owner, page }, sessionHolder(ctx.get('cookie'), attendeeCookie(workshop.slug)));
    ctx.set('Cache-Control', 'no-store');
    if (wantsHtml(ctx.req)) {
      ctx.status = 303;
      ctx.redirect(target);
      return;
    }
    ctx.body = { id: opened.id, url: serverUrl(ctx, deps.config, opened.id), open: target, token: opened.token, started: opened.started };
  });

  router.get('/my-work.tar.gz', async (ctx) => {
    const found = await signedIn(ctx);
    if (!found) return;
    const { workshop, attendee } = found;
    sendArchive(ctx, `${workshop.slug}-my-work.tar.gz`, await deps.workshopServers.exportOwn(workshop, attendee));
  });

  return router;
}

import Router from '@koa/router';
import type { Context } from 'koa';
import { attendeeCookie } from '../../auth/cookies.js';
import { assertCsrf } from '../../auth/csrf.js';
import { countSignInAttempt } from '../../auth/sign-in-rate-limit.js';
import { endSignInSession, startSignInSession } from '../../auth/sign-in-sessions.js';
import { accessCodeMatches } from '../../workshops/access-code.js';
import { isValidEmail, normaliseEmail } from '../../workshops/attendee.js';
import { checkInvite, workshopEnded } from '../../workshops/invite-check.js';
import { isOver, repoLaunchPath, type Workshop } from '../../workshops/workshop.js';
import { attendeeSessionOf, currentAttendee } from '../attendee-session.js';
import { clientIp } from '../context.js';
import { renderPage } from '../pages.js';
import { readForm } from '../request-body.js';
import { sessionSettings, workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { validSlug } from './workshops-api.js';

const dateTime = (iso: string) => new Date(iso).toUTCString().replace(' GMT', ' UTC');

const serverNotes = {
  'never-started': 'Your personal server starts the first time you open it, with the workshop\'s files.',
  starting: 'Your server is starting.',
  running: 'Your server is running.',
  stopped: 'Your server is stopped (it stops when you leave it for a while); opening it starts it again with your files as you left them.',
};

const diskLimitNote = 'Your server was stopped because it wrote more to its disk than the limit for each server. The files in your home folder are kept; what was written elsewhere (such as /tmp) is gone. Opening it starts it again: keep large downloads and outputs small.';

export function html(ctx: Context, template: string, workshop: Workshop, values: Record<string, string> = {}): void {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage(template, workshop.title, {
    slug: workshop.slug, title: workshop.title, startsAt: dateTime(workshop.startsAt), endsAt: dateTime(workshop.endsAt), ...values,
  });
}

/**
 * The workshop link `/w/<slug>` and its attendee sign-in: anonymous servers until the first
 * attendee is registered, then personal links (`/w/<slug>/join?invite=…`) and a cookie per workshop.
 */
export function workshopPages(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/w/:slug' });
  const { workshops } = workshopAdmins(deps);
  const stores = deps.workshopStores;
  const settings = sessionSettings(deps.config);
  const attemptLimit = deps.config.auth.signInAttemptsPerMinute;

  async function openWorkshop(ctx: Context): Promise<Workshop> {
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    if (isOver(workshop)) throw workshopEnded(workshop);
    return workshop;
  }

  router.get('/', async (ctx) => {
    const workshop = await openWorkshop(ctx);
    const signedIn = await currentAttendee(ctx, stores, workshop.slug);
    if (signedIn) {
      const info = (await deps.workshopServers.statuses(workshop.slug)).get(signedIn.attendee.id);
      const status = info?.status ?? 'never-started';
      const note = status === 'stopped' && info?.stopReason === 'disk-limit' ? diskLimitNote : serverNotes[status];
      html(ctx, 'workshop-attendee', workshop, { name: signedIn.attendee.name, csrf: signedIn.session.csrfToken, serverNote: note });
      return;
    }
    if ((await workshops.status(workshop.slug)).mode === 'registered') {
      ctx.status = 303;
      ctx.redirect(`/w/${workshop.slug}/sign-in`);
      return;
    }
    html(ctx, 'workshop', workshop, { repoNote: workshop.repo ? `, with the repository ${workshop.repo.url}` : '' });
  });

  router.get('/launch', async (ctx) => {
    const workshop = await openWorkshop(ctx);
    const anonymous = (await workshops.status(workshop.slug)).mode === 'anonymous';
    ctx.status = 303;
    if (!anonymous) ctx.redirect(`/w/${workshop.slug}`);
    else ctx.redirect(workshop.repo ? repoLaunchPath(workshop.repo) : '/launch');
  });

  router.get('/join', async (ctx) => {
    // The invite is in the query string: keep it out of Referer headers and caches.
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    await countSignInAttempt(deps.rateLimiter, clientIp(ctx), attemptLimit);
    const invite = typeof ctx.query.invite === 'string' ? ctx.query.invite : '';
    const { workshop, attendee } = await checkInvite(stores, validSlug(ctx.params.slug), invite);
    await startSignInSession(ctx, stores.signInSessions, attendeeCookie(workshop.slug), {
      kind: 'attendee', workshop: workshop.slug, attendeeId: attendee.id, inviteVersion: attendee.inviteVersion,
    }, settings);
    deps.logger.info({ event: 'attendee-signed-in', workshop: workshop.slug, attendeeId: attendee.id }, 'attendee signed in');
    ctx.status = 303;
    ctx.redirect(`/w/${workshop.slug}`);
  });

  router.get('/sign-in', async (ctx) => {
    html(ctx, 'workshop-sign-in', await openWorkshop(ctx), { email: '', notice: '', noticeHidden: 'hidden' });
  });

  // The room's code (never the slug, which is in the link) and a registered email sign in, as a personal link does.
  router.post('/sign-in', async (ctx) => {
    await countSignInAttempt(deps.rateLimiter, clientIp(ctx), attemptLimit);
    const workshop = await openWorkshop(ctx);
    const form = await readForm(ctx);
    const email = normaliseEmail(form.get('email') ?? '');
    const refuse = (status: number, notice: string) => {
      ctx.status = status;
      html(ctx, 'workshop-sign-in', workshop, { email, notice, noticeHidden: '' });
    };
    if (!workshop.accessCode) {
      refuse(403, 'This workshop signs in with personal links only: open the link the organizer sent you. Lost it? Ask the organizer to re-issue it.');
      return;
    }
    if (!accessCodeMatches(workshop.accessCode, form.get('code') ?? '')) {
      refuse(400, 'That is not this workshop\'s code: check it on the organizer\'s slide (eight letters and digits, like K7PQ-4XMD) and try again.');
      return;
    }
    if (!isValidEmail(email)) {
      refuse(400, 'That does not look like an email address; check it and try again.');
      return;
    }
    const attendee = await stores.attendees.findByEmail(workshop.slug, email);
    if (!attendee) {
      refuse(400, `${email} is not registered for this workshop: check the spelling, or use the email the organizer registered (the one their invitation went to).`);
      return;
    }
    if (attendee.revokedAt) {
      refuse(410, 'Your registration for this workshop was withdrawn by the organizer. If you should still take part, ask them to add you again.');
      return;
    }
    await startSignInSession(ctx, stores.signInSessions, attendeeCookie(workshop.slug), {
      kind: 'attendee', workshop: workshop.slug, attendeeId: attendee.id, inviteVersion: attendee.inviteVersion,
    }, settings);
    deps.logger.info({ event: 'attendee-signed-in', workshop: workshop.slug, attendeeId: attendee.id, via: 'code' }, 'attendee signed in');
    ctx.status = 303;
    ctx.redirect(`/w/${workshop.slug}`);
  });

  router.post('/sign-out', async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    const session = await attendeeSessionOf(ctx, stores, slug);
    if (session) {
      await assertCsrf(ctx, session.csrfToken);
      deps.logger.info({ event: 'attendee-signed-out', workshop: slug, attendeeId: session.attendeeId }, 'attendee signed out');
    }
    await endSignInSession(ctx, stores.signInSessions, attendeeCookie(slug), settings);
    ctx.status = 303;
    ctx.redirect(`/w/${slug}`);
  });

  return router;
}

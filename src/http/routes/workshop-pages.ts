import Router from '@koa/router';
import type { Context } from 'koa';
import { attendeeCookie } from '../../auth/cookies.js';
import { assertCsrf } from '../../auth/csrf.js';
import { countSignInAttempt } from '../../auth/sign-in-rate-limit.js';
import { endSignInSession, startSignInSession } from '../../auth/sign-in-sessions.js';
import { assertSignInForm, signInFormToken } from '../../auth/sign-in-forms.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { normaliseEmail, type Attendee } from '../../workshops/attendee.js';
import { claimSeatWithCode, claimSeatWithInvite } from '../../workshops/code-sign-in.js';
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

const homeLimitNote = ({ diskMb, homeGraceSeconds }: { diskMb: number; homeGraceSeconds: number }) =>
  `Your server was stopped because the files in your home folder take more than ${diskMb} MiB, the limit for each attendee. Nothing was deleted. Open it again to delete or download what you do not need: it runs for ${Math.round(homeGraceSeconds / 60)} minutes, then stops again if your files still take more than the limit.`;

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
      const note = status === 'stopped' && info?.stopReason === 'disk-limit' ? diskLimitNote
        : status === 'stopped' && info?.stopReason === 'home-limit' ? homeLimitNote(deps.config.server)
          : serverNotes[status];
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

  async function signIn(ctx: Context, attendee: Attendee, via: 'invite' | 'code'): Promise<void> {
    if (via === 'invite') await claimSeatWithInvite(stores, attendee);
    await startSignInSession(ctx, stores.signInSessions, attendeeCookie(attendee.workshop), {
      kind: 'attendee', workshop: attendee.workshop, attendeeId: attendee.id, inviteVersion: attendee.inviteVersion,
    }, settings);
    deps.logger.info({ event: 'attendee-signed-in', workshop: attendee.workshop, attendeeId: attendee.id, via }, 'attendee signed in');
    ctx.status = 303;
    ctx.redirect(`/w/${attendee.workshop}`);
  }

  async function inviteOf(ctx: Context, invite: string): Promise<{ workshop: Workshop; attendee: Attendee }> {
    // The invite is in the query string (or the confirmation page): keep it out of Referer headers and caches.
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    await countSignInAttempt(deps.rateLimiter, clientIp(ctx), attemptLimit);
    return checkInvite(stores, validSlug(ctx.params.slug), invite);
  }

  // One click for a fresh browser. A browser signed in as someone else is asked first, so a link
  // from another site cannot silently switch who it is (and send its work into another's files).
  router.get('/join', async (ctx) => {
    const invite = typeof ctx.query.invite === 'string' ? ctx.query.invite : '';
    const { workshop, attendee } = await inviteOf(ctx, invite);
    const current = await currentAttendee(ctx, stores, workshop.slug);
    if (current && current.attendee.id !== attendee.id) {
      html(ctx, 'workshop-join', workshop, { name: attendee.name, currentName: current.attendee.name, invite, csrf: signInFormToken(ctx, settings.secureCookies) });
      return;
    }
    await signIn(ctx, attendee, 'invite');
  });

  router.post('/join', async (ctx) => {
    await assertSignInForm(ctx, deps.config.publicUrl);
    const { attendee } = await inviteOf(ctx, (await readForm(ctx)).get('invite') ?? '');
    await signIn(ctx, attendee, 'invite');
  });

  router.get('/sign-in', async (ctx) => {
    html(ctx, 'workshop-sign-in', await openWorkshop(ctx), { email: '', notice: '', noticeHidden: 'hidden', csrf: signInFormToken(ctx, settings.secureCookies) });
  });

  // The room's code (never the slug, which is in the link) and a registered email claim a seat not yet taken.
  router.post('/sign-in', async (ctx) => {
    await assertSignInForm(ctx, deps.config.publicUrl);
    await countSignInAttempt(deps.rateLimiter, clientIp(ctx), attemptLimit);
    const workshop = await openWorkshop(ctx);
    const form = await readForm(ctx);
    let attendee: Attendee;
    try {
      attendee = await claimSeatWithCode(stores, workshop, form.get('code') ?? '', form.get('email') ?? '');
    } catch (error) {
      if (!(error instanceof LauncherError) || error.status >= 500) throw error;
      ctx.status = error.status;
      html(ctx, 'workshop-sign-in', workshop, { email: normaliseEmail(form.get('email') ?? ''), notice: error.message, noticeHidden: '', csrf: signInFormToken(ctx, settings.secureCookies) });
      return;
    }
    await signIn(ctx, attendee, 'code');
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

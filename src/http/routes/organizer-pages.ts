import Router from '@koa/router';
import type { Context } from 'koa';
import { organizerCookie } from '../../auth/cookies.js';
import { organizerSignInPath, requireOrganizer, organizerOf } from '../../auth/organizer-auth.js';
import { verifyOrganizerToken } from '../../auth/organizer-tokens.js';
import { assertSignInForm, signInFormToken } from '../../auth/sign-in-forms.js';
import { countSignInAttempt } from '../../auth/sign-in-rate-limit.js';
import { endSignInSession, startSignInSession } from '../../auth/sign-in-sessions.js';
import { clientIp } from '../context.js';
import { renderPage, renderPart } from '../pages.js';
import { readForm } from '../request-body.js';
import { sessionSettings, type WorkshopAppDeps } from '../workshop-deps.js';

export const organizerHomePath = '/organizer';

const dashboardHead = '<script src="/static/workshop-form.js" defer></script><script src="/static/organizer-dashboard.js" defer></script>';

/** The workshop fields the create form (ids `create-…`) and the edit form (`edit-…`) share. */
function workshopFields(prefix: 'create' | 'edit'): string {
  return renderPart('organizer-workshop-fields', { prefix });
}

/** Only paths on this site: an open redirect would make the sign-in page a phishing tool. */
export function safeNextPath(next: string | null | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : organizerHomePath;
}

function showSignIn(ctx: Context, secureCookies: boolean, next: string, error = ''): void {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage('organizer-sign-in', 'Organizer sign-in', { next, error, errorHidden: error ? '' : 'hidden', csrf: signInFormToken(ctx, secureCookies) });
}

/** `GET|POST /organizer/sign-in`, `POST /organizer/sign-out`, and the signed-in organizer's page. */
export function organizerPages(deps: WorkshopAppDeps): Router {
  const router = new Router();
  const stores = deps.workshopStores;
  const settings = sessionSettings(deps.config);

  router.get(organizerSignInPath, (ctx) => {
    showSignIn(ctx, settings.secureCookies, safeNextPath(typeof ctx.query.next === 'string' ? ctx.query.next : undefined));
  });

  router.post(organizerSignInPath, async (ctx) => {
    await assertSignInForm(ctx, deps.config.publicUrl);
    await countSignInAttempt(deps.rateLimiter, clientIp(ctx), deps.config.auth.signInAttemptsPerMinute);
    const form = await readForm(ctx);
    const next = safeNextPath(form.get('next'));
    const token = await verifyOrganizerToken(stores.organizerTokens, (form.get('token') ?? '').trim());
    if (!token) {
      deps.logger.info({ event: 'organizer-sign-in-refused', ip: clientIp(ctx) }, 'organizer sign-in refused');
      ctx.status = 401;
      showSignIn(ctx, settings.secureCookies, next, 'That is not a current organizer token. Check that you copied all of it.');
      return;
    }
    await startSignInSession(ctx, stores.signInSessions, organizerCookie, { kind: 'organizer', tokenId: token.id, label: token.label }, settings);
    deps.logger.info({ event: 'organizer-signed-in', actor: token.label, tokenId: token.id }, 'organizer signed in');
    ctx.status = 303;
    ctx.redirect(next);
  });

  router.post('/organizer/sign-out', requireOrganizer(stores), async (ctx) => {
    const organizer = organizerOf(ctx);
    await endSignInSession(ctx, stores.signInSessions, organizerCookie, settings);
    deps.logger.info({ event: 'organizer-signed-out', actor: organizer.label, tokenId: organizer.tokenId }, 'organizer signed out');
    ctx.status = 303;
    ctx.redirect(organizerSignInPath);
  });

  /** The dashboard: the workshops and a form to create one. The script does the rest through the REST API. */
  router.get(organizerHomePath, requireOrganizer(stores), (ctx) => {
    const organizer = organizerOf(ctx);
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = renderPage('organizer-dashboard', 'Workshops', { label: organizer.label, csrf: organizer.csrfToken ?? '', fields: workshopFields('create') }, dashboardHead);
  });

  /** One workshop's page: its link, attendees and their servers, the edit form and delete (the slug is checked by the API calls it makes). */
  router.get('/organizer/workshops/:slug', requireOrganizer(stores), (ctx) => {
    const organizer = organizerOf(ctx);
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = renderPage('organizer-workshop', 'Workshop', { label: organizer.label, csrf: organizer.csrfToken ?? '', slug: ctx.params.slug ?? '', fields: workshopFields('edit') }, dashboardHead);
  });

  /** The old address of the organizer's page. */
  router.get('/organizer/account', (ctx) => {
    ctx.status = 303;
    ctx.redirect(organizerHomePath);
  });

  return router;
}

import type { Context } from 'koa';
import type { AccessDecision } from '../auth/server-access.js';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import type { ServerOwner } from '../proxy/route-store.js';
import { wantsHtml } from './negotiation.js';
import { renderMessage } from './pages.js';
import { launcherLink } from './server-urls.js';

type Origins = Pick<Config, 'serverOrigin' | 'publicUrl'>;

/**
 * Answers a visitor an attendee's server does not let in, and says whether it did: another
 * attendee gets 403; anyone not signed in to the workshop is sent to its sign-in page (API
 * clients get 401). The owner and organizers are let through (false). On a server origin the
 * way in is the workshop page on the launcher's origin, whose "Open my server" hands over.
 */
export function refuseVisitor(ctx: Context, owner: ServerOwner, decision: AccessDecision, origins: Origins): boolean {
  if (decision === 'owner' || decision === 'organizer') return false;
  const workshopPage = launcherLink(origins, `/w/${owner.workshop}`);
  if (decision === 'forbidden') {
    throw new LauncherError(403, 'not-your-server', `This notebook server belongs to another attendee of this workshop, so only they (and the organizers) can open it. Your own server is at ${workshopPage}.`);
  }
  if (wantsHtml(ctx.req)) {
    ctx.status = 303;
    ctx.redirect(origins.serverOrigin ? workshopPage : `/w/${owner.workshop}/sign-in`);
    return true;
  }
  throw new LauncherError(401, 'sign-in-required', `This notebook server belongs to an attendee of the workshop "${owner.workshop}". Sign in with your personal link first (${workshopPage}).`);
}

/** A persistent server that is stopped, shown to its owner or an organizer: the files are safe, open it again. */
export function renderStopped(ctx: Context, workshop: string, origins: Origins): void {
  const message = 'This server is stopped: servers stop when nobody uses them for a while, and at the end of the workshop. Every file is kept. Open it again from the workshop page.';
  ctx.status = 409;
  ctx.set('Cache-Control', 'no-store');
  if (!wantsHtml(ctx.req)) {
    ctx.body = { status: 409, reason: 'server-stopped', message };
    return;
  }
  ctx.type = 'html';
  ctx.body = renderMessage({ title: 'Server stopped', heading: 'This server is stopped', message, actionHref: launcherLink(origins, `/w/${workshop}`), actionLabel: 'Go to the workshop page' });
}

/** The status line that refuses a WebSocket upgrade. */
export function upgradeRefusal(decision: AccessDecision): [number, string] {
  return decision === 'forbidden' ? [403, 'Forbidden'] : [401, 'Unauthorized'];
}

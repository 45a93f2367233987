import type { Context, Next } from 'koa';
import { setCookie } from '../../auth/cookies.js';
import { redeemHandoff, serverGrantCookie } from '../../auth/server-handoff.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { isHandoffPath, serverBaseUrl, serverIdFromPath, workshopOfServerId } from '../../proxy/server-path.js';
import type { AppDeps } from '../context.js';
import { wantsHtml } from '../negotiation.js';
import { renderMessage } from '../pages.js';
import { launcherLink } from '../server-urls.js';

type HandoffDeps = Pick<AppDeps, 'config' | 'logger' | 'serverHandoffs'>;

function renderRefusal(ctx: Context, deps: HandoffDeps, id: string, error: LauncherError): void {
  deps.logger.info({ event: 'server-handoff-refused', server: id, status: error.status, reason: error.reason }, error.message);
  ctx.status = error.status;
  if (!wantsHtml(ctx.req)) {
    ctx.body = { status: error.status, reason: error.reason, message: error.message };
    return;
  }
  const workshop = workshopOfServerId(id);
  ctx.type = 'html';
  ctx.body = renderMessage({
    title: 'This link no longer works', heading: 'This link no longer works', message: error.message,
    actionHref: launcherLink(deps.config, workshop ? `/w/${workshop}` : '/launch'),
    actionLabel: workshop ? 'Go to the workshop page' : 'Launch a new server',
  });
}

/**
 * `GET /s/<id>/_nblaunch/handoff?code=...` on the server origin: redeems a one-time code made
 * when someone opened an attendee's server on the launcher's origin, sets this origin's cookie
 * for that server only (HttpOnly, SameSite=Lax, `Path=/s/<id>/`), and opens the page.
 */
export function serverHandoffRoute(deps: HandoffDeps) {
  const { config } = deps;
  const secure = config.auth.secureCookies || config.serverOrigin.startsWith('https:');
  const grantMs = config.auth.sessionHours * 3600_000;
  return async (ctx: Context, next: Next): Promise<void> => {
    const id = isHandoffPath(ctx.path) ? serverIdFromPath(ctx.path) : null;
    if (!id || ctx.method !== 'GET') return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : undefined;
    let redeemed;
    try {
      redeemed = await redeemHandoff(deps.serverHandoffs, id, code, grantMs);
    } catch (error) {
      if (!(error instanceof LauncherError) || !error.expected) throw error;
      renderRefusal(ctx, deps, id, error);
      return;
    }
    setCookie(ctx, serverGrantCookie, redeemed.grantId, { secure, maxAgeSeconds: grantMs / 1000, path: serverBaseUrl(id) });
    deps.logger.info({ event: 'server-handoff', server: id, holder: redeemed.handoff.grant.holder.kind }, 'opened a server on the server origin');
    ctx.status = 303;
    ctx.redirect(`${serverBaseUrl(id)}${redeemed.handoff.page}`);
  };
}

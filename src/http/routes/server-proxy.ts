import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Next } from 'koa';
import { admitted } from '../../auth/server-access.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { safePath } from '../../log/logger.js';
import type { Forwarder } from '../../proxy/forwarder.js';
import type { ForwardFailure } from '../../proxy/request-forwarder.js';
import type { RouteTarget } from '../../proxy/route-store.js';
import { serverIdFromPath } from '../../proxy/server-path.js';
import { describeEndReason } from '../../sessions/session-manager.js';
import type { AppDeps } from '../context.js';
import { wantsHtml } from '../negotiation.js';
import { renderMessage } from '../pages.js';
import { refuseVisitor, renderStopped, upgradeRefusal } from '../server-refusals.js';
import { launcherLink } from '../server-urls.js';

async function missingServerError(deps: AppDeps, id: string): Promise<LauncherError> {
  const ended = await deps.sessions.ended(id);
  if (ended) {
    return new LauncherError(410, 'session-ended', `This notebook server was shut down because ${describeEndReason(ended.reason)}, and its files went with it. You can launch a new server.`);
  }
  return new LauncherError(404, 'no-such-server', 'There is no notebook server at this address. It may never have existed, or it ended long ago. You can launch a new server.');
}

function renderMissing(ctx: Context, error: LauncherError, launchHref: string): void {
  ctx.status = error.status;
  if (!wantsHtml(ctx.req)) {
    ctx.body = { status: error.status, reason: error.reason, message: error.message };
    return;
  }
  const heading = error.status === 410 ? 'This server has ended' : 'No server here';
  ctx.type = 'html';
  ctx.body = renderMessage({ title: heading, heading, message: error.message, actionHref: launchHref, actionLabel: 'Launch a new server' });
}

/**
 * Koa middleware for `/s/<id>/...`: forwards to routes the launcher made (an attendee's server
 * only for its owner or an organizer), and explains the rest.
 */
export function serverProxy(deps: AppDeps, forwarder: Forwarder) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const id = serverIdFromPath(ctx.path);
    if (!id) return next();
    const target = await deps.routes.lookup(id);
    if (target) {
      if (target.owner && refuseVisitor(ctx, target.owner, await deps.serverAccess.admit(ctx.req, target.owner), deps.config)) return;
      ctx.respond = false;
      forwarder.web(ctx.req, ctx.res, id, target);
      return;
    }
    const stopped = await deps.persistentServers.get(id);
    if (stopped) {
      const owner = { workshop: stopped.workshop, attendeeId: stopped.attendeeId };
      if (!refuseVisitor(ctx, owner, await deps.serverAccess.admit(ctx.req, owner), deps.config)) renderStopped(ctx, stopped.workshop, deps.config);
      return;
    }
    renderMissing(ctx, await missingServerError(deps, id), launcherLink(deps.config, '/launch'));
  };
}

const failureAnswers: Record<ForwardFailure, { status: number; reason: string; heading: string; message: string; retryAfter?: string }> = {
  unreachable: {
    status: 503, reason: 'server-unreachable', heading: 'Your server is not answering', retryAfter: '5',
    message: 'Your notebook server is not answering. It may be restarting or may have stopped; reload in a few seconds, or launch a new server.',
  },
  unusable: {
    status: 502, reason: 'server-answer-unusable', heading: 'This request could not be passed on',
    message: 'The launcher could not pass this request to your notebook server, or its answer back: one of them is not valid HTTP. Reload the page; if this keeps happening, restart your server.',
  },
};

/** The answer for a request the proxy could not complete: 503 when the server is not answering, 502 when its answer (or the request) could not be passed on. */
export function forwardFailureResponder(req: IncomingMessage, res: ServerResponse, failure: ForwardFailure): void {
  const answer = failureAnswers[failure];
  res.statusCode = answer.status;
  if (answer.retryAfter) res.setHeader('Retry-After', answer.retryAfter);
  if (wantsHtml(req)) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(renderMessage({ title: answer.heading, heading: answer.heading, message: answer.message, actionHref: req.url ?? '/', actionLabel: 'Reload' }));
  } else {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: answer.status, reason: answer.reason, message: answer.message }));
  }
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Upgrades on the launcher's origin once servers have their own: none is served there. */
export function refuseUpgrade(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  rejectUpgrade(socket, 403, 'Forbidden');
}

/** WebSocket upgrades take the same route lookup, and the same owner check, as HTTP. */
export function upgradeHandler(deps: AppDeps, forwarder: Forwarder) {
  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, id: string): Promise<void> => {
    const target: RouteTarget | null = await deps.routes.lookup(id);
    if (!target) return rejectUpgrade(socket, 404, 'Not Found');
    if (target.owner) {
      const decision = await deps.serverAccess.admit(req, target.owner);
      if (!admitted(decision)) return rejectUpgrade(socket, ...upgradeRefusal(decision));
    }
    forwarder.upgrade(req, socket, head, id, target);
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const id = serverIdFromPath(req.url ?? '');
    if (!id) return rejectUpgrade(socket, 404, 'Not Found');
    upgrade(req, socket, head, id).catch((error: Error) => {
      if (error instanceof LauncherError && error.status === 401) return rejectUpgrade(socket, 401, 'Unauthorized');
      deps.logger.warn({ path: safePath(req.url), err: error.message }, 'websocket route lookup failed');
      rejectUpgrade(socket, 503, 'Service Unavailable');
    });
  };
}

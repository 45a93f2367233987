import type { IncomingMessage, ServerResponse } from 'node:http';
import { admitted, type ServerAccess } from '../auth/server-access.js';
import type { Forwarder } from '../proxy/forwarder.js';
import type { RouteTable } from '../proxy/route-table.js';
import { isHandoffPath, serverIdFromPath } from '../proxy/server-path.js';

export interface FastPathDeps {
  routes: Pick<RouteTable, 'peek'>;
  forwarder: Pick<Forwarder, 'web'>;
  access: Pick<ServerAccess, 'admit'>;
  /** The Koa app: pages, the API, unknown or ended servers, and every refusal. */
  koa: (req: IncomingMessage, res: ServerResponse) => unknown;
}

/**
 * The hot path: a request for a known anonymous server goes straight to the proxy, without
 * Koa or Redis. A persistent server's request is let through once its owner or an organizer is
 * recognised (a few Redis reads); anything else goes through Koa, which explains the refusal, as
 * does the server origin's hand-off (`/s/<id>/_nblaunch/handoff`), which the launcher answers itself.
 */
export function proxyFastPath(deps: FastPathDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    const id = serverIdFromPath(url);
    const target = id && !isHandoffPath(url) ? deps.routes.peek(id) : undefined;
    if (!id || !target) {
      void deps.koa(req, res);
      return;
    }
    if (!target.owner) {
      deps.forwarder.web(req, res, id, target);
      return;
    }
    deps.access.admit(req, target.owner).then(
      (decision) => (admitted(decision) ? deps.forwarder.web(req, res, id, target) : deps.koa(req, res)),
      () => deps.koa(req, res),
    );
  };
}

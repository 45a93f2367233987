import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/schema.js';
import { hasOriginPerServer } from '../config/server-origin.js';
import { serverIdFromPath } from '../proxy/server-path.js';
import { hostServerLabel } from './origin-dispatch.js';
import { refuseUpgrade } from './routes/server-proxy.js';
import { serverOrigin } from './server-urls.js';

type HostSettings = Pick<Config, 'serverOrigin' | 'trustProxy'>;

/** The server a request names on another server's host (`a.servers.../s/<b>/...`: b), or null. */
function serverOffItsHost(config: HostSettings): (req: IncomingMessage) => string | null {
  const labelOf = hostServerLabel(config);
  return (req) => {
    const id = serverIdFromPath(req.url ?? '');
    return id === null || labelOf(req) === id ? null : id;
  };
}

/**
 * With an origin per server: a server is served on its own host only. A request for server B
 * on A's host (`a.servers.../s/b/...`) is sent to B's host (307: method and body kept), where
 * only B's cookies go along; without this, A's page could still not read B's (B's cookies stay
 * on B's host), but nothing of B should answer on A's origin at all. Anything else passes.
 */
export function serveOnOwnHost(config: HostSettings, handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  if (!hasOriginPerServer(config.serverOrigin)) return handler;
  const elsewhere = serverOffItsHost(config);
  return (req, res) => {
    const id = elsewhere(req);
    if (id === null) {
      handler(req, res);
      return;
    }
    res.statusCode = 307;
    res.setHeader('Location', `${serverOrigin(config, id)}${req.url ?? '/'}`);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('This notebook server is served on its own address; follow the Location header.\n');
  };
}

/** WebSocket upgrades likewise: to a server on another server's host, refused (403). */
export function upgradeOnOwnHost(config: HostSettings, handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  if (!hasOriginPerServer(config.serverOrigin)) return handler;
  const elsewhere = serverOffItsHost(config);
  return (req, socket, head) => (elsewhere(req) === null ? handler(req, socket, head) : refuseUpgrade(req, socket));
}

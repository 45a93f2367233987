import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.js';
import { hasOriginPerServer, serverLabelOf, servesHost } from '../config/server-origin.js';

/** `main`: the launcher's pages and API; `server`: notebook servers only (with `serverOrigin`). */
export type OriginRole = 'main' | 'server';

type OriginSettings = Pick<Config, 'serverOrigin' | 'trustProxy'>;

/** `host[:port]` as a URL of `protocol` spells it: lower case, without the protocol's default port. Null when not a host. */
function canonicalHost(protocol: string, host: string): string | null {
  try {
    const url = new URL(`${protocol}//${host}`);
    return url.host && url.pathname === '/' && !url.search && !url.username && !url.password ? url.host : null;
  } catch {
    return null;
  }
}

/** The host the client asked for: X-Forwarded-Host behind a trusted proxy (as Koa reads it), else Host. */
export function requestHost(headers: IncomingHttpHeaders, trustProxy: boolean): string {
  const forwarded = trustProxy ? headers['x-forwarded-host'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || headers.host || '';
}

/** The request's host as a URL of the server origin's protocol spells it (set `serverOrigin` only). */
function canonicalRequestHost(config: OriginSettings): (req: Pick<IncomingMessage, 'headers'>) => string | null {
  const { protocol } = new URL(config.serverOrigin);
  return (req) => canonicalHost(protocol, requestHost(req.headers, config.trustProxy));
}

/**
 * Tells the launcher's origin from the server origin by the request's host. Only a request for
 * exactly the server origin's host (or, with an origin per server, one of its hosts) is
 * `server`; anything else (the public host, an address, no Host at all) is `main`, where no
 * server is ever served once there is a server origin.
 */
export function originClassifier(config: OriginSettings): (req: Pick<IncomingMessage, 'headers'>) => OriginRole {
  const serverOrigin = config.serverOrigin;
  if (!serverOrigin) return () => 'main';
  const hostOf = canonicalRequestHost(config);
  return (req) => {
    const host = hostOf(req);
    return host !== null && servesHost(serverOrigin, host) ? 'server' : 'main';
  };
}

/**
 * With an origin per server: the server id a request's host names (`<id>.servers...`), or null
 * (one server origin for all, or not a server host).
 */
export function hostServerLabel(config: OriginSettings): (req: Pick<IncomingMessage, 'headers'>) => string | null {
  const serverOrigin = config.serverOrigin;
  if (!hasOriginPerServer(serverOrigin)) return () => null;
  const hostOf = canonicalRequestHost(config);
  return (req) => {
    const host = hostOf(req);
    return host === null ? null : serverLabelOf(serverOrigin, host);
  };
}

/** One handler per origin, for requests and upgrades alike. */
export function byOrigin<Rest extends unknown[]>(
  config: OriginSettings,
  handlers: Record<OriginRole, (req: IncomingMessage, ...rest: Rest) => void>,
): (req: IncomingMessage, ...rest: Rest) => void {
  const roleOf = originClassifier(config);
  return (req, ...rest) => handlers[roleOf(req)](req, ...rest);
}

const loopbackHosts = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/;

/**
 * The start-up warning for a launcher that serves notebook servers on its own origin to more
 * than this machine, or null: code in a server could then use a visiting organizer's sign-in.
 */
export function sameOriginWarning(config: Pick<Config, 'serverOrigin' | 'host'>): string | null {
  if (config.serverOrigin || loopbackHosts.test(config.host)) return null;
  return 'notebook servers are served on the launcher\'s own origin: JavaScript in an attendee\'s server can call the launcher\'s API and organizer pages as any organizer or attendee who opens that server. Set serverOrigin (NBLAUNCH_SERVER_ORIGIN) to a separate host name that reaches this launcher, e.g. https://servers.example.org, or https://*.servers.example.org for an origin per server';
}

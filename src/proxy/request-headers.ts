import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * Request headers about the browser's connection to the launcher, not the launcher's to the
 * server (RFC 9110 7.6.1), plus `Expect`: Node has already answered `100-continue` itself. The
 * launcher's HTTP client frames the body and manages its own connection.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'expect', 'http2-settings']);

/** Header names the browser's `Connection` header lists as its own (besides keep-alive/close). */
function listedInConnection(headers: IncomingHttpHeaders): string[] | undefined {
  const connection = headers.connection;
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return undefined;
  return connection.toLowerCase().split(',').map((name) => name.trim()).filter((name) => name && name !== 'keep-alive' && name !== 'close');
}

/** The port the browser addressed: Host's, else the protocol's default (as http-proxy's xfwd). */
function requestedPort(req: IncomingMessage, encrypted: boolean): string {
  const host = req.headers.host;
  const match = host ? /:(\d+)$/.exec(host) : null;
  if (match) return match[1]!;
  return encrypted ? '443' : '80';
}

/**
 * The headers a request is forwarded with, as a flat name/value list: the browser's, less the
 * hop-by-hop ones, with `X-Forwarded-For`, `-Port` and `-Proto` appended to (or set) and
 * `X-Forwarded-Host` kept or set to `Host`, the same values configurable-http-proxy and
 * http-proxy send, so Jupyter builds the same redirect URLs behind either. `Host` is kept:
 * Jupyter's origin checks compare it with the browser's `Origin`.
 */
export function forwardedRequestHeaders(req: IncomingMessage): string[] {
  const headers = req.headers;
  const listed = listedInConnection(headers);
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
  const forwarded = {
    'x-forwarded-for': req.socket.remoteAddress ?? '',
    'x-forwarded-port': requestedPort(req, encrypted),
    'x-forwarded-proto': encrypted ? 'https' : 'http',
  };
  const out: string[] = [];
  for (const name in headers) {
    if (hopByHop.has(name) || listed?.includes(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (name in forwarded) {
      out.push(name, `${String(value)},${forwarded[name as keyof typeof forwarded]}`);
    } else if (typeof value === 'string') {
      out.push(name, value);
    } else {
      for (const each of value) out.push(name, each);
    }
  }
  for (const name of Object.keys(forwarded) as Array<keyof typeof forwarded>) {
    if (headers[name] === undefined) out.push(name, forwarded[name]);
  }
  if (headers['x-forwarded-host'] === undefined && headers.host !== undefined) out.push('x-forwarded-host', headers.host);
  return out;
}

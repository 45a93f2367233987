// What the `serverOrigin` setting means: one origin for every server, or, with a `*` as the
// first label of its host, an origin per server. Pure functions of the setting's value.

/** Whether every server gets an origin of its own (`https://*.servers.example.org`). */
export function hasOriginPerServer(serverOrigin: string): boolean {
  return serverOrigin !== '' && new URL(serverOrigin).hostname.startsWith('*.');
}

/** The origin (`scheme://host[:port]`) that serves server `id`, or '' when servers share the launcher's. */
export function originForServer(serverOrigin: string, id: string): string {
  if (!serverOrigin) return '';
  const origin = new URL(serverOrigin).origin;
  return hasOriginPerServer(serverOrigin) ? origin.replace('*', id) : origin;
}

/**
 * Whether `host` (`name[:port]`, lower case, as a URL of the origin's protocol spells it) is
 * one of the server origin's hosts: the origin's own, or with a `*` first label, any single
 * DNS label in its place.
 */
export function servesHost(serverOrigin: string, host: string): boolean {
  const pattern = new URL(serverOrigin).host;
  if (!pattern.startsWith('*.')) return host === pattern;
  const rest = pattern.slice(1);
  return host.endsWith(rest) && /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(host.slice(0, -rest.length));
}

/** The first label of a per-server host (the server id it claims), or null. */
export function serverLabelOf(serverOrigin: string, host: string): string | null {
  if (!hasOriginPerServer(serverOrigin) || !servesHost(serverOrigin, host)) return null;
  return host.slice(0, host.indexOf('.'));
}

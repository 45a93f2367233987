// Anonymous servers have random ids; an attendee's persistent server is `ws-<workshop slug>-<attendee id>`.
const serverPath = /^\/s\/([a-z0-9]{6,64}|ws-[a-z0-9][a-z0-9-]{1,39}-[a-z0-9]{16})(\/|$)/;

/** The server id in a `/s/<id>/...` path, or null. */
export function serverIdFromPath(path: string): string | null {
  return serverPath.exec(path)?.[1] ?? null;
}

export function serverBaseUrl(id: string): string {
  return `/s/${id}/`;
}

/**
 * Where the server origin redeems a hand-off code for the server `id`: a path inside the
 * server's own URL space (so its cookie can be scoped there) that the launcher answers itself.
 */
export function handoffPath(id: string): string {
  return `${serverBaseUrl(id)}_nblaunch/handoff`;
}

const handoff = /^\/s\/[^/]+\/_nblaunch\/handoff(\?|$)/;

export function isHandoffPath(path: string): boolean {
  return handoff.test(path);
}

/** The workshop slug in a persistent server's id (`ws-<slug>-<attendee id>`), or null for an anonymous server. */
export function workshopOfServerId(id: string): string | null {
  return /^ws-([a-z0-9][a-z0-9-]*)-[a-z0-9]{16}$/.exec(id)?.[1] ?? null;
}

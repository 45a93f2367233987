// Anonymous servers have random ids; an attendee's persistent server is `ws-<workshop slug>-<attendee id>`.
const serverPath = /^\/s\/([a-z0-9]{6,64}|ws-[a-z0-9][a-z0-9-]{1,39}-[a-z0-9]{16})(\/|$)/;

/** The server id in a `/s/<id>/...` path, or null. */
export function serverIdFromPath(path: string): string | null {
  return serverPath.exec(path)?.[1] ?? null;
}

export function serverBaseUrl(id: string): string {
  return `/s/${id}/`;
}

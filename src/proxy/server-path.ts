const serverPath = /^\/s\/([a-z0-9]{6,64})(\/|$)/;

/** The server id in a `/s/<id>/...` path, or null. */
export function serverIdFromPath(path: string): string | null {
  return serverPath.exec(path)?.[1] ?? null;
}

export function serverBaseUrl(id: string): string {
  return `/s/${id}/`;
}

import type { Context } from 'koa';
import { issueHandoff } from '../auth/server-handoff.js';
import type { GrantHolder, ServerHandoffStore } from '../auth/server-handoff-store.js';
import type { Config } from '../config/schema.js';
import { originForServer } from '../config/server-origin.js';
import type { ServerOwner } from '../proxy/route-store.js';
import { handoffPath, serverBaseUrl } from '../proxy/server-path.js';
import { publicBaseUrl } from './context.js';

type OriginSettings = Pick<Config, 'serverOrigin' | 'publicUrl'>;

/**
 * The origin server `id` is served from (`scheme://host[:port]`): the server origin, or with an
 * origin per server, `<id>.` in place of its `*`; '' when servers share the launcher's origin.
 */
export function serverOrigin(config: Pick<Config, 'serverOrigin'>, id: string): string {
  return originForServer(config.serverOrigin, id);
}

/** The absolute address of a server (`.../s/<id>/`), for API answers and build events. */
export function serverUrl(ctx: Context, config: Config, id: string): string {
  return `${serverOrigin(config, id) || publicBaseUrl(ctx, config)}${serverBaseUrl(id)}`;
}

/** Where to send a browser to a page of an anonymous server (its token in `page`): a path here, or on the server's origin. */
export function serverLocation(config: Pick<Config, 'serverOrigin'>, id: string, page = ''): string {
  return `${serverOrigin(config, id)}${serverBaseUrl(id)}${page}`;
}

/** A link from a page the server origin shows back to the launcher's own pages (`/w/<slug>`, `/launch`). */
export function launcherLink(config: OriginSettings, path: string): string {
  return config.serverOrigin ? `${config.publicUrl.replace(/\/+$/, '')}${path}` : path;
}

export interface OpenedPersistentServer {
  id: string;
  owner: ServerOwner;
  /** The page inside the server, with its token (`tree?token=...`). */
  page: string;
}

/**
 * Where to send a browser into an attendee's server. On one origin, the page itself: the
 * launcher's cookie goes along. With a server origin, a one-time hand-off address there, which
 * sets that origin's cookie for this server and then opens the page. Null `holder` (no sign-in
 * to name): the page itself, whose owner check then refuses the visitor as usual.
 */
export async function persistentServerLocation(config: Config, handoffs: ServerHandoffStore, server: OpenedPersistentServer, holder: GrantHolder | null): Promise<string> {
  if (!config.serverOrigin || !holder) return serverLocation(config, server.id, server.page);
  const code = await issueHandoff(handoffs, { serverId: server.id, grant: { server: server.owner, holder }, page: server.page });
  return `${serverOrigin(config, server.id)}${handoffPath(server.id)}?code=${code}`;
}

// Where the launcher and its notebook servers are served when the settings leave it open: the
// safe default puts every server on an origin of its own, and refuses a public launcher that
// would serve servers on its own origin unless the operator accepts that risk by name.
import type { Config } from './schema.js';

type OriginSettings = Pick<Config, 'publicUrl' | 'serverOrigin' | 'allowServersOnLauncherOrigin'>;

/** `localhost` and loopback addresses: names that reach this machine only, whatever the DNS says. */
export function isLoopbackHostname(hostname: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/.test(hostname.toLowerCase());
}

/**
 * Why the launcher must not start with these settings, or null: a `publicUrl` beyond this machine
 * without `serverOrigin` would serve notebook servers on the launcher's own origin, where a
 * script in any server (a repo's custom.js) acts with the sign-in of the organizer who opens it.
 */
export function originSettingsProblem(config: OriginSettings): string | null {
  if (config.serverOrigin || config.allowServersOnLauncherOrigin || !config.publicUrl) return null;
  if (isLoopbackHostname(new URL(config.publicUrl).hostname)) return null;
  return `publicUrl is ${config.publicUrl} but serverOrigin is not set, so notebook servers would be served on the launcher's own origin, where JavaScript in any server (a repo's .jupyter/custom/custom.js, say) can use the launcher's API as any organizer who opens that server. Set serverOrigin (NBLAUNCH_SERVER_ORIGIN) to a separate host name that reaches this launcher, e.g. https://*.servers.example.org (an origin per server) or https://servers.example.org; or, to accept that risk, set allowServersOnLauncherOrigin (NBLAUNCH_ALLOW_SERVERS_ON_LAUNCHER_ORIGIN) to true.`;
}

export interface EffectiveOrigins {
  /** The launcher's public base URL ('' only when servers share its origin and none is configured). */
  publicUrl: string;
  /** Where servers are served ('' only with allowServersOnLauncherOrigin). */
  serverOrigin: string;
  /**
   * The one host (`name:port`) the launcher's origin answers on when it chose its own address: a
   * loopback address is sent there, any other host refused. '' when the settings name the addresses.
   */
  launcherHost: string;
}

/**
 * The origins once the launcher knows its port. Without `serverOrigin` (and without the explicit
 * opt-out), servers get an origin each on `*.localhost`, which browsers send to loopback with no
 * DNS at all, and the launcher's own origin is `http://localhost:<port>` (or a loopback publicUrl).
 */
export function effectiveOrigins(config: OriginSettings, port: number): EffectiveOrigins {
  if (config.serverOrigin || config.allowServersOnLauncherOrigin) return { publicUrl: config.publicUrl, serverOrigin: config.serverOrigin, launcherHost: '' };
  const chosen = !config.publicUrl;
  const publicUrl = (config.publicUrl || `http://localhost:${port}`).replace(/\/+$/, '');
  const url = new URL(publicUrl);
  return { publicUrl, serverOrigin: `${url.protocol}//*.localhost${url.port ? `:${url.port}` : ''}`, launcherHost: chosen ? url.host : '' };
}

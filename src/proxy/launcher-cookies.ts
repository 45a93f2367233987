import type { IncomingHttpHeaders } from 'node:http';

const launcherCookiePrefix = 'nblaunch_';

/**
 * Removes the launcher's own cookies (organizer and attendee sign-ins) from a request about to
 * reach a notebook server: whoever runs code in that server could read them there.
 */
export function stripLauncherCookies(headers: IncomingHttpHeaders): void {
  const cookie = headers.cookie;
  if (!cookie || !cookie.includes(launcherCookiePrefix)) return;
  const kept = cookie.split(';').filter((pair) => !pair.trimStart().startsWith(launcherCookiePrefix));
  if (kept.length === 0) delete headers.cookie;
  else headers.cookie = kept.join(';').trim();
}

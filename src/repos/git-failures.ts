import { GitPluginError } from 'simple-git';
import { LauncherError } from '../errors/launcher-error.js';

/** A URL for messages: never with credentials, even though url-policy refuses them anyway. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return '(invalid address)';
  }
}

export function repoNotFound(url: string, cause?: unknown): LauncherError {
  return new LauncherError(404, 'repo-not-found',
    `The repository ${displayUrl(url)} could not be found or is not public. Check the address.`, { cause });
}

export function refNotFound(url: string, ref: string, cause?: unknown): LauncherError {
  return new LauncherError(404, 'ref-not-found',
    `${displayUrl(url)} has no branch, tag or commit named "${ref}". Check the spelling, or use HEAD for the default branch.`, { cause });
}

export function gitTimeout(url: string, timeoutMs: number, cause?: unknown): LauncherError {
  return new LauncherError(504, 'git-timeout',
    `Fetching ${displayUrl(url)} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped. The server may be slow or unreachable; try again later.`, { cause });
}

export function isGitKilled(error: unknown): boolean {
  return error instanceof GitPluginError && (error.plugin === 'timeout' || error.plugin === 'abort');
}

// What git and curl print (LC_ALL=C) when the repo is missing, private or unreachable.
const notFoundPatterns = [
  /repository '.*' not found/i,
  /repository not found/i,
  /could not read (username|password)/i,
  /terminal prompts disabled/i,
  /authentication failed/i,
  /returned error: 40[134]/i,
  /could not resolve host/i,
  /failed to connect/i,
  /couldn't connect to server/i,
  /connection refused/i,
  /does not appear to be a git repository/i,
  /not valid: is this a git repository/i,
];

/**
 * Turns a failed git call into the launcher's error: 504 when it was killed for taking too long,
 * 404 when the repo is missing, private or unreachable, 502 for anything else the server did.
 */
export function gitFailure(error: unknown, url: string, timeoutMs: number): LauncherError {
  if (error instanceof LauncherError) return error;
  if (isGitKilled(error)) return gitTimeout(url, timeoutMs, error);
  const text = error instanceof Error ? error.message : String(error);
  if (/returned error: 5\d\d/i.test(text) || !notFoundPatterns.some((pattern) => pattern.test(text))) {
    return new LauncherError(502, 'git-failed',
      `Git could not fetch ${displayUrl(url)}. Try again later; if it keeps failing, the launcher's log has git's own message.`, { cause: error });
  }
  return repoNotFound(url, error);
}

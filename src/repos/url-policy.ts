import { LauncherError } from '../errors/launcher-error.js';

/**
 * Repo addresses and refs come from anyone who can type a link, and end up as git arguments.
 * These checks run before anything reaches git; git-remote.ts adds `--` and protocol limits.
 */

const allowedUrlForms = 'Use an https:// address such as https://example.org/owner/repo.git';

function unsafeUrl(problem: string): LauncherError {
  return new LauncherError(400, 'unsafe-url', `The repository address ${problem}. ${allowedUrlForms}.`);
}

/**
 * Everything except the http allowance: an absolute http(s) URL with a host, no credentials,
 * no whitespace or control characters, nothing git could read as an option or a transport.
 * The URL is never echoed, since a refused one may hold a password.
 */
export function assertCloneUrlShape(url: string): URL {
  if (url === '') throw unsafeUrl('is empty');
  if (url.startsWith('-')) throw unsafeUrl('starts with "-", which git would read as an option');
  // The WHATWG parser silently drops tabs and newlines and reads "\" as "/"; git and curl do not.
  if (/[\u0000-\u001f\u007f-\u009f\\]|\s/.test(url)) throw unsafeUrl('contains whitespace, control characters or a backslash');
  if (/^[a-z][a-z0-9+.-]*::/i.test(url)) throw unsafeUrl('uses a git remote helper ("<transport>::"), which can run commands');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^[^/]*:/.test(url)) throw unsafeUrl('looks like an ssh address (git@host:owner/repo), which needs keys');
    throw unsafeUrl('is not a URL (https:// is missing)');
  }
  if (scheme !== 'https' && scheme !== 'http') throw unsafeUrl(`uses ${scheme}://, which is not allowed`);
  if (!/^https?:\/\/[^/?#@]/i.test(url)) throw unsafeUrl('has no host');

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsafeUrl('is not a valid URL');
  }
  if (parsed.username !== '' || parsed.password !== '') throw unsafeUrl('contains a user name or password; only public repositories can be launched');
  if (parsed.hostname === '') throw unsafeUrl('has no host');
  return parsed;
}

/** `host` allows any port of that host; `host:port` only that port. */
export function isHttpAllowed(url: URL, allowHttpHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowHttpHosts.some((entry) => {
    const allowed = entry.trim().toLowerCase();
    return allowed === host || allowed === hostname;
  });
}

export function assertSafeCloneUrl(url: string, allowHttpHosts: string[]): URL {
  const parsed = assertCloneUrlShape(url);
  if (parsed.protocol === 'http:' && !isHttpAllowed(parsed, allowHttpHosts)) {
    throw unsafeUrl(`uses plain http:// to ${parsed.host}, which is only allowed for the hosts in git.allowHttpHosts`);
  }
  return parsed;
}

const refProblems: Array<[RegExp, string]> = [
  [/^-/, 'starts with "-", which git would read as an option'],
  [/[\u0000-\u001f\u007f]/, 'contains control characters'],
  [/\s/, 'contains a space'],
  [/[~^:?*[\\]/, 'contains one of ~ ^ : ? * [ \\'],
  [/\.\./, 'contains ".."'],
  [/@\{/, 'contains "@{"'],
  [/^@$/, 'is "@"'],
  [/\.lock$/, 'ends with ".lock"'],
  [/\/$/, 'ends with "/"'],
  [/\.$/, 'ends with "."'],
  [/^\/|\/\//, 'has an empty path component'],
  [/(^|\/)\./, 'has a path component starting with "."'],
];

/** git check-ref-format's rules, plus "no leading dash" and a length cap. Returns the ref. */
export function assertSafeRef(ref: string): string {
  const shown = JSON.stringify(ref.length > 80 ? `${ref.slice(0, 80)}…` : ref);
  const refuse = (problem: string) => new LauncherError(400, 'bad-spec',
    `The ref ${shown} ${problem}. Use a branch or tag name (such as main or v1.0), a commit SHA, or HEAD.`);
  if (ref === '') throw refuse('is empty');
  if (ref.length > 255) throw refuse('is longer than 255 characters');
  for (const [pattern, problem] of refProblems) {
    if (pattern.test(ref)) throw refuse(problem);
  }
  return ref;
}

import { LauncherError } from '../errors/launcher-error.js';
import type { ProviderName, RepoSettings } from './repo-spec.js';
import { encodeRef } from './spec-providers.js';
import { assertSafeCloneUrl } from './url-policy.js';

/** Path segments of `url` below `base` (same origin, under base's path), or null. */
function segmentsUnder(url: URL, base: string): string[] | null {
  const baseUrl = new URL(base);
  if (url.origin.toLowerCase() !== baseUrl.origin.toLowerCase()) return null;
  const basePath = baseUrl.pathname.replace(/\/+$/, '');
  if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return null;
  return url.pathname.slice(basePath.length).split('/').filter(Boolean).map(decodeSegment);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new LauncherError(400, 'bad-spec', 'The repository address has a broken %-escape in its path.');
  }
}

function notARepo(what: string, form: string): LauncherError {
  return new LauncherError(400, 'bad-spec', `That ${what} address does not name a repository. Use ${form}.`);
}

/** Turns an address into a provider and a spec for parseSpec (which checks everything again). */
export function specPartsFromUrl(rawUrl: string, rawRef: string | undefined, settings: RepoSettings): { provider: ProviderName; spec: string } {
  const url = assertSafeCloneUrl(rawUrl.trim(), settings.git.allowHttpHosts);
  const askedRef = rawRef?.trim() || undefined;
  const withRef = (base: string, refInUrl?: string) => `${base}/${encodeRef(askedRef ?? refInUrl ?? 'HEAD')}`;

  const github = segmentsUnder(url, settings.repos.githubUrl);
  if (github) {
    const [owner, repo, view, ...refParts] = github;
    if (!owner || !repo) throw notARepo('GitHub', `${settings.repos.githubUrl}/<owner>/<repo>`);
    const refInUrl = view === 'tree' && refParts.length > 0 ? refParts.join('/') : undefined;
    return { provider: 'gh', spec: withRef(`${owner}/${repo.replace(/\.git$/, '')}`, refInUrl) };
  }

  const gitlab = segmentsUnder(url, settings.repos.gitlabUrl);
  if (gitlab) {
    // GitLab pages below a project start with "/-/": /group/project/-/tree/<ref>
    const dash = gitlab.indexOf('-');
    const namespace = (dash < 0 ? gitlab : gitlab.slice(0, dash)).join('/').replace(/\.git$/, '');
    const [view, ...refParts] = dash < 0 ? [] : gitlab.slice(dash + 1);
    if (!namespace.includes('/')) throw notARepo('GitLab', `${settings.repos.gitlabUrl}/<group>/<project>`);
    const refInUrl = view === 'tree' && refParts.length > 0 ? refParts.join('/') : undefined;
    return { provider: 'gl', spec: withRef(encodeURIComponent(namespace), refInUrl) };
  }

  const gist = segmentsUnder(url, settings.repos.gistUrl);
  if (gist) {
    const [user, id] = gist;
    // A gist clone URL (<gistUrl>/<id>.git) has no user name: clone it as a plain git URL.
    if (user && id) return { provider: 'gist', spec: withRef(`${user}/${id.replace(/\.git$/, '')}`) };
    if (!user) throw notARepo('gist', `${settings.repos.gistUrl}/<user>/<gist id>`);
  }

  return { provider: 'git', spec: withRef(encodeURIComponent(url.href)) };
}

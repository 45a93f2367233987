import { LauncherError } from '../errors/launcher-error.js';
import { repoSlug } from './repo-slug.js';
import { specPartsFromUrl } from './spec-from-url.js';
import { encodeRef, providerParsers } from './spec-providers.js';
import { assertSafeRef } from './url-policy.js';

export type ProviderName = 'gh' | 'gl' | 'git' | 'gist';

export interface RepoSpec {
  provider: ProviderName;
  /** What follows /v2/<provider>/ (ref included), normalised. */
  spec: string;
  /** https://… (http only for git.allowHttpHosts). */
  cloneUrl: string;
  /** As asked: branch, tag, full/short SHA, or HEAD. */
  ref: string;
  /** owner/repo, the GitLab namespace, the URL, user/gist-id. */
  displayName: string;
  /** [a-z0-9-], ≤ 60 chars, the same for every ref of the repo: for image names. */
  slug: string;
  /** A web/clone URL for people (BinderHub's repo_url). */
  repoUrl: string;
}

export interface RepoSettings {
  repos: { githubUrl: string; gitlabUrl: string; gistUrl: string };
  git: { allowHttpHosts: string[] };
}

export const providerNames: readonly ProviderName[] = ['gh', 'gl', 'git', 'gist'];

export function isProviderName(value: string): value is ProviderName {
  return (providerNames as readonly string[]).includes(value);
}

// Hosted services treat owner and repo names case-insensitively; a plain git server may not.
const caseInsensitiveProviders = new Set<ProviderName>(['gh', 'gl', 'gist']);

/**
 * Reads a BinderHub spec (what follows /v2/<provider>/, still %-escaped as it came in the URL).
 * Throws LauncherError(400, 'bad-spec' | 'unsafe-url') naming what is wrong and the expected form.
 */
export function parseSpec(provider: string, spec: string, settings: RepoSettings): RepoSpec {
  if (!isProviderName(provider)) {
    throw new LauncherError(400, 'bad-spec',
      `Unknown repository provider ${JSON.stringify(provider.slice(0, 40))}. Use gh (GitHub), gl (GitLab), git (any https Git URL) or gist.`);
  }
  const parts = providerParsers[provider](spec, settings);
  const ref = assertSafeRef(parts.ref);
  return {
    provider,
    spec: `${parts.base}/${encodeRef(ref)}`,
    cloneUrl: parts.cloneUrl,
    ref,
    displayName: parts.displayName,
    slug: repoSlug(provider, parts.slugName, parts.cloneUrl, caseInsensitiveProviders.has(provider)),
    repoUrl: parts.repoUrl,
  };
}

/** The same spec with another ref, e.g. the resolved SHA for BinderHub's binder_persistent_request. */
export function specWithRef(repo: RepoSpec, ref: string): string {
  assertSafeRef(ref);
  const currentRef = `/${encodeRef(repo.ref)}`;
  const base = repo.spec.endsWith(currentRef) ? repo.spec.slice(0, -currentRef.length) : repo.spec;
  return `${base}/${encodeRef(ref)}`;
}

/**
 * For the home-page form and the CLI: a GitHub, GitLab or gist web/clone address becomes that
 * provider's spec, any other https Git URL a `git` spec. The ref defaults to one in the address
 * (`/tree/<ref>`), else HEAD.
 */
export function specFromUrl(url: string, ref: string | undefined, settings: RepoSettings): RepoSpec {
  const { provider, spec } = specPartsFromUrl(url, ref, settings);
  return parseSpec(provider, spec, settings);
}

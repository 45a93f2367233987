import { LauncherError } from '../errors/launcher-error.js';
import type { ProviderName, RepoSettings } from './repo-spec.js';
import { assertSafeCloneUrl } from './url-policy.js';

/** One provider's reading of a spec, before the ref is checked and the slug is made. */
export interface ProviderParts {
  /** The normalised spec without its ref: `<this>/<ref>` is the spec. */
  base: string;
  ref: string;
  cloneUrl: string;
  displayName: string;
  repoUrl: string;
  /** Readable part of the slug. */
  slugName: string;
}

export const providerForms: Record<ProviderName, string> = {
  gh: '/v2/gh/<owner>/<repo>/<ref>, for example /v2/gh/jupyterlab/jupyterlab-demo/HEAD',
  gl: '/v2/gl/<url-escaped namespace>/<ref>, for example /v2/gl/group%2Fproject/main',
  git: '/v2/git/<url-escaped clone URL>/<ref>, for example /v2/git/https%3A%2F%2Fexample.org%2Frepo.git/main',
  gist: '/v2/gist/<user>/<gist id>[/<ref>], for example /v2/gist/jane/6f1a2b3c4d5e',
};

export function badSpec(provider: ProviderName, spec: string, problem: string): LauncherError {
  const shown = JSON.stringify(spec.length > 120 ? `${spec.slice(0, 120)}…` : spec);
  return new LauncherError(400, 'bad-spec', `The ${provider} spec ${shown} ${problem}. Expected ${providerForms[provider]}.`);
}

/** A ref in a spec: slashes stay readable, anything else URL-unsafe is escaped. */
export function encodeRef(ref: string): string {
  return encodeURIComponent(ref).replace(/%2F/gi, '/');
}

const ownerPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const repoPattern = /^[A-Za-z0-9_.-]{1,100}$/;
const namespaceSegmentPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const gistIdPattern = /^[A-Za-z0-9]{1,64}$/;

type Parser = (spec: string, settings: RepoSettings) => ProviderParts;

export const providerParsers: Record<ProviderName, Parser> = {
  gh(spec, settings) {
    const [owner = '', rawRepo = '', ...rest] = spec.split('/');
    const repo = rawRepo.replace(/\.git$/, '');
    if (!ownerPattern.test(owner)) throw badSpec('gh', spec, 'has no valid owner (letters, digits, "-", "_", ".")');
    if (!repoPattern.test(repo) || repo === '.' || repo === '..') throw badSpec('gh', spec, 'has no valid repository name');
    const ref = decodePart('gh', spec, rest.join('/'));
    if (ref === '') throw badSpec('gh', spec, 'has no ref (a branch, tag, commit SHA or HEAD)');
    const web = `${trimSlash(settings.repos.githubUrl)}/${owner}/${repo}`;
    return { base: `${owner}/${repo}`, ref, cloneUrl: checkedUrl(`${web}.git`, settings), displayName: `${owner}/${repo}`, repoUrl: web, slugName: `${owner}-${repo}` };
  },

  gl(spec, settings) {
    const [escaped = '', ...rest] = spec.split('/');
    const namespace = decodePart('gl', spec, escaped).replace(/\.git$/, '');
    const segments = namespace.split('/');
    if (segments.length < 2) throw badSpec('gl', spec, 'does not start with an escaped namespace such as group%2Fproject');
    if (!segments.every((segment) => namespaceSegmentPattern.test(segment) && !segment.includes('..'))) {
      throw badSpec('gl', spec, 'has a namespace with characters other than letters, digits, "-", "_" and "."');
    }
    const ref = decodePart('gl', spec, rest.join('/'));
    if (ref === '') throw badSpec('gl', spec, 'has no ref (a branch, tag, commit SHA or HEAD)');
    const web = `${trimSlash(settings.repos.gitlabUrl)}/${namespace}`;
    return { base: encodeURIComponent(namespace), ref, cloneUrl: checkedUrl(`${web}.git`, settings), displayName: namespace, repoUrl: web, slugName: namespace };
  },

  git(spec, settings) {
    const [escaped = '', ...rest] = spec.split('/');
    const url = decodePart('git', spec, escaped);
    if (url === '') throw badSpec('git', spec, 'has no clone URL');
    if (/^https?:$/i.test(url)) throw badSpec('git', spec, 'has a clone URL that is not escaped (encodeURIComponent)');
    const cloneUrl = checkedUrl(url, settings);
    const ref = decodePart('git', spec, rest.join('/'));
    if (ref === '') throw badSpec('git', spec, 'has no ref (a branch, tag, commit SHA or HEAD)');
    const { hostname, pathname } = new URL(cloneUrl);
    return { base: encodeURIComponent(cloneUrl), ref, cloneUrl, displayName: cloneUrl, repoUrl: cloneUrl, slugName: `${hostname}${pathname.replace(/\.git\/?$/, '')}` };
  },

  gist(spec, settings) {
    const [user = '', rawId = '', ...rest] = spec.split('/');
    const id = rawId.replace(/\.git$/, '');
    if (!ownerPattern.test(user)) throw badSpec('gist', spec, 'has no valid user name');
    if (!gistIdPattern.test(id)) throw badSpec('gist', spec, 'has no valid gist id (letters and digits)');
    const ref = decodePart('gist', spec, rest.join('/')) || 'HEAD';
    const base = trimSlash(settings.repos.gistUrl);
    return { base: `${user}/${id}`, ref, cloneUrl: checkedUrl(`${base}/${id}.git`, settings), displayName: `${user}/${id}`, repoUrl: `${base}/${user}/${id}`, slugName: `${user}-${id}` };
  },
};

function decodePart(provider: ProviderName, spec: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badSpec(provider, spec, 'has a broken %-escape');
  }
}

function checkedUrl(url: string, settings: RepoSettings): string {
  return assertSafeCloneUrl(url, settings.git.allowHttpHosts).href;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Ref names and `git ls-remote` output: the pure part of resolving a ref. */

export const fullShaPattern = /^[0-9a-f]{40}$/;
export const shortShaPattern = /^[0-9a-f]{7,39}$/i;

/**
 * Where a ref name may live on the remote, in git's own order of preference (as rev-parse:
 * the name as given, then refs/<name>, tags, branches). HEAD is only HEAD.
 */
export function refCandidates(ref: string): string[] {
  if (ref === 'HEAD') return ['HEAD'];
  const candidates = [`refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
  return ref.startsWith('refs/') ? [ref, ...candidates] : candidates;
}

/** ls-remote patterns for the candidates; a tag's peeled line (`^{}`) is only listed when asked. */
export function lsRemotePatterns(ref: string): string[] {
  return refCandidates(ref).flatMap((name) => (name === 'HEAD' ? [name] : [name, `${name}^{}`]));
}

/** Parses `<sha>\t<name>` lines into a map from name to SHA. */
export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [sha, name] = line.trim().split('\t');
    if (sha && name && fullShaPattern.test(sha)) refs.set(name, sha);
  }
  return refs;
}

/** The commit a ref names: an annotated tag's peeled commit wins over the tag object. */
export function pickCommit(refs: Map<string, string>, ref: string): string | undefined {
  for (const name of refCandidates(ref)) {
    const sha = refs.get(`${name}^{}`) ?? refs.get(name);
    if (sha) return sha;
  }
  return undefined;
}

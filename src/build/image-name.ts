/**
 * Deterministic image names: the same repo at the same commit always gives the same name, so
 * "is it cached?" is "does the image exist?". The tag is the commit plus the recipe version,
 * so a change to how nblaunch writes Dockerfiles does not reuse stale images.
 */
export const recipeVersion = 'r1';

export function imageNameFor(prefix: string, slug: string, sha: string): string {
  return `${prefix}${slug}:${sha.slice(0, 40)}-${recipeVersion}`;
}

export const buildLabels = {
  role: 'org.nblaunch.role',
  instance: 'org.nblaunch.instance',
  repo: 'org.nblaunch.repo',
  commit: 'org.nblaunch.commit',
} as const;

import dockerignore from '@balena/dockerignore';
import type { RepoFiles } from './repo-files.js';

/** Name of the Dockerfile the launcher adds to the context stream (never written into a checkout). */
export const generatedDockerfileName = '.nblaunch.Dockerfile';
const dockerignoreName = '.dockerignore';

/**
 * What goes to the Docker engine besides the checkout's files: the Dockerfile to build and the
 * .dockerignore, both as entries of the context stream, so the launcher never writes into a
 * checkout (a repo's own .dockerignore or Dockerfile may be a link to a host path).
 */
export interface BuildContext {
  /** Entries added to the context stream; files of the same name in the checkout are left out. */
  extraFiles: { name: string; content: string }[];
  /** Whether a checkout path (posix, relative to its root) stays out of the context. */
  excludes(path: string, isDirectory: () => boolean): boolean;
}

/** Docker's .dockerignore lines without comments and blanks. */
function patternsOf(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The repo's .dockerignore (read through RepoFiles, so a link leaving the checkout is refused)
 * plus the launcher's lines, applied while packing as the docker CLI does, and sent along so the
 * engine drops the generated Dockerfile from what COPY sees.
 */
export async function buildContextFor(files: RepoFiles, dockerfile: string): Promise<BuildContext> {
  const own = files.paths.has(dockerignoreName) ? await files.read(dockerignoreName) : null;
  const ours = [generatedDockerfileName, '.git', ...(own === null ? [dockerignoreName] : [])];
  const content = `${own === null ? '' : `${own.replace(/\n?$/, '\n')}`}${ours.join('\n')}\n`;
  const patterns = patternsOf(content);
  const matcher = dockerignore.default().add(patterns);
  const negations = patterns.some((pattern) => pattern.startsWith('!'));
  const added = new Set([generatedDockerfileName, dockerignoreName]);
  return {
    extraFiles: [{ name: generatedDockerfileName, content: dockerfile }, { name: dockerignoreName, content }],
    excludes(path, isDirectory) {
      if (added.has(path)) return true;
      if (!matcher.ignores(path)) return false;
      // A folder with an exception inside (`!docs/keep.md`) must still be walked.
      return !(negations && isDirectory());
    },
  };
}

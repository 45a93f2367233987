import type { RepoFiles } from '../repo-files.js';

/** RepoFiles from a map of path to content, for tests: `memoryRepoFiles({ 'binder/apt.txt': 'jq\n' })`. */
export function memoryRepoFiles(files: Record<string, string>): RepoFiles & { reads: string[] } {
  const contents = new Map(Object.entries(files));
  const reads: string[] = [];
  return {
    paths: new Set(contents.keys()),
    reads,
    async read(path) {
      reads.push(path);
      const content = contents.get(path);
      if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file in the fake repo: ${path}`), { code: 'ENOENT' });
      return content;
    },
  };
}

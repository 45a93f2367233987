import { constants } from 'node:fs';
import { open, readdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { posix } from 'node:path';
import { LauncherError } from '../errors/launcher-error.js';

/** A checkout as the build plan sees it: the list of its files, and a way to read the small ones. */
export interface RepoFiles {
  /** Relative paths of every file in the checkout (posix separators), excluding .git/. */
  paths: Set<string>;
  read(path: string): Promise<string>;
}

/** RepoFiles of a directory on disk. `truncated` is true when the listing stopped at `maxEntries`. */
export interface DiskRepoFiles extends RepoFiles {
  readonly root: string;
  readonly truncated: boolean;
}

export interface ListRepoFilesOptions {
  /** Files and directories visited before the listing stops (breadth first, so the root and binder/ come first). */
  maxEntries?: number;
  /** Largest file `read` accepts: environment files are small. */
  maxReadBytes?: number;
}

export const defaultMaxEntries = 100_000;
export const defaultMaxReadBytes = 1024 * 1024;

/**
 * Lists a checkout breadth first, skipping every `.git` entry (the repo's own and submodules').
 * Symlinks are listed as files, never followed; `read` refuses one that leaves the checkout.
 */
export async function listRepoFiles(dir: string, options: ListRepoFilesOptions = {}): Promise<DiskRepoFiles> {
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const maxReadBytes = options.maxReadBytes ?? defaultMaxReadBytes;
  const root = await realpath(dir);
  const paths = new Set<string>();
  const queue: string[] = [''];
  let visited = 0;
  let truncated = false;

  walk: for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const entries = await readdir(join(root, next), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      if (++visited > maxEntries) {
        truncated = true;
        break walk;
      }
      const path = next === '' ? entry.name : posix.join(next, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else if (entry.isFile() || entry.isSymbolicLink()) paths.add(path);
    }
  }

  return {
    root,
    truncated,
    paths,
    read: (path) => readInside(root, path, paths, maxReadBytes),
  };
}

async function readInside(root: string, path: string, paths: Set<string>, maxBytes: number): Promise<string> {
  if (!paths.has(path)) throw badFile(path, 'is not in the checkout');
  let real: string;
  try {
    real = await realpath(join(root, path));
  } catch (error) {
    throw badFile(path, 'cannot be read (a dangling link?)', error);
  }
  if (!real.startsWith(root + sep)) throw badFile(path, 'is a link that points outside the repo');
  // realpath resolved every link; O_NOFOLLOW refuses one swapped in since.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw badFile(path, 'is not a regular file');
    if (stats.size > maxBytes) throw badFile(path, `is larger than ${Math.round(maxBytes / 1024)} KiB`);
    return await handle.readFile({ encoding: 'utf8' });
  } finally {
    await handle.close();
  }
}

function badFile(path: string, problem: string, cause?: unknown): LauncherError {
  return new LauncherError(422, 'bad-repo-file', `The repo's ${path} ${problem}; nblaunch cannot use it for the build (make it a regular file in the repo).`, { cause, details: { file: path } });
}

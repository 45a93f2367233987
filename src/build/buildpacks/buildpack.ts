import { posix } from 'node:path';
import type { BuildContextSettings } from '../build-settings.js';
import type { RepoFiles } from '../repo-files.js';

/** The repo as a buildpack sees it: where config files live, and whether one is there. */
export class ConfigFiles {
  constructor(readonly files: RepoFiles, readonly configDir: string) {}

  /** Path from the repo root of a config file, e.g. 'binder/apt.txt' or 'apt.txt'. */
  path(name: string): string {
    return this.configDir === '' ? name : posix.join(this.configDir, name);
  }

  has(name: string): boolean {
    return this.files.paths.has(this.path(name));
  }

  /** Files that only count at the repo root, and only when there is no binder/ (repo2docker: setup.py, DESCRIPTION). */
  hasAtRootOnly(name: string): boolean {
    return this.configDir === '' && this.files.paths.has(name);
  }

  read(name: string): Promise<string> {
    return this.files.read(this.path(name));
  }
}

/** Dockerfile lines a buildpack contributes, by stage. */
export interface DockerfileParts {
  /** Run as root before any repo file is copied (the generator wraps them in USER root / USER jovyan). */
  root?: string[];
  /** Run as jovyan before the whole repo is copied: COPY of single dependency files and their installs. */
  beforeRepo?: string[];
  /** Run as jovyan after `COPY . /home/jovyan/`. */
  afterRepo?: string[];
  /** Replaces the image's ENTRYPOINT (exec form). */
  entrypoint?: string[];
}

/**
 * One kind of environment file. `detect` answers the notes to show when it applies (null when
 * it does not) and throws a LauncherError (422) when the file is there but unusable;
 * `render` gives its Dockerfile lines.
 */
export interface Buildpack {
  readonly name: string;
  detect(config: ConfigFiles): Promise<string[] | null>;
  render(config: ConfigFiles, settings: BuildContextSettings): Promise<DockerfileParts>;
}

/** Lines of a text file without comments (from `#`) and blank lines, with their 1-based numbers. */
export function meaningfulLines(text: string): { line: string; number: number }[] {
  return text.split(/\r?\n/).flatMap((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    return line === '' ? [] : [{ line, number: index + 1 }];
  });
}

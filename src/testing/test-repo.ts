import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type TestFile = string | { content: string; mode?: number };
export type TestFiles = Record<string, TestFile>;

export interface TestRepo {
  name: string;
  cloneUrl: string;
  /** Writes the files (paths may contain folders), commits everything, pushes; returns the new SHA. */
  commit(files: TestFiles, message?: string): Promise<string>;
  /** Tags the current commit (annotated: a tag object, as `git tag -a`) and pushes the tag. */
  tag(name: string, annotated?: boolean): Promise<void>;
  /** Creates a branch at the current commit, pushes it and switches to it: later commits land there. */
  branch(name: string): Promise<void>;
}

/** The test repo's own helpers beyond the shared contract. */
export interface LocalTestRepo extends TestRepo {
  /** The working clone that commits are made in (the served bare repo lives elsewhere). */
  workDir: string;
  bareDir: string;
  /** Switches the working clone to an existing branch. */
  checkout(branch: string): Promise<void>;
  /** The SHA of the working clone's current commit. */
  head(): Promise<string>;
}

/** Runs git for test fixtures, isolated from the developer's own git configuration. */
export async function runGit(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.org',
      GIT_COMMITTER_NAME: 'Test Author',
      GIT_COMMITTER_EMAIL: 'author@example.org',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

export interface TestRepoOptions {
  /** Serve fetches of any commit by SHA, not only of branch and tag tips (default true; protocol v2 always does). */
  allowAnySha1InWant?: boolean;
  /** Serve partial clones (`--filter=blob:none`) (default true). */
  allowFilter?: boolean;
}

/** Makes a bare repo that serves fetches by SHA and partial clones, and a working clone beside it. */
export async function createLocalTestRepo(name: string, bareDir: string, workDir: string, cloneUrl: string, options: TestRepoOptions = {}): Promise<LocalTestRepo> {
  await mkdir(bareDir, { recursive: true });
  await runGit(bareDir, ['init', '--quiet', '--bare', '--initial-branch=main']);
  await runGit(bareDir, ['config', 'uploadpack.allowAnySHA1InWant', String(options.allowAnySha1InWant ?? true)]);
  await runGit(bareDir, ['config', 'uploadpack.allowFilter', String(options.allowFilter ?? true)]);
  await runGit(bareDir, ['config', 'http.receivepack', 'false']);
  await mkdir(workDir, { recursive: true });
  await runGit(workDir, ['init', '--quiet', '--initial-branch=main']);
  await runGit(workDir, ['remote', 'add', 'origin', bareDir]);

  const git = (...args: string[]) => runGit(workDir, args);
  const currentBranch = () => git('symbolic-ref', '--short', 'HEAD');

  return {
    name,
    cloneUrl,
    workDir,
    bareDir,
    async commit(files, message = 'Update files') {
      for (const [relative, file] of Object.entries(files)) {
        const target = path.join(workDir, relative);
        if (!target.startsWith(workDir + path.sep)) throw new Error(`file path ${relative} leaves the repo`);
        const { content, mode } = typeof file === 'string' ? { content: file, mode: undefined } : file;
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
        if (mode !== undefined) await chmod(target, mode);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      await git('push', '--quiet', 'origin', `HEAD:refs/heads/${await currentBranch()}`);
      return git('rev-parse', 'HEAD');
    },
    async tag(tagName, annotated = false) {
      await git('tag', ...(annotated ? ['-a', '-m', `Release ${tagName}`] : []), tagName);
      await git('push', '--quiet', 'origin', `refs/tags/${tagName}`);
    },
    async branch(branchName) {
      await git('checkout', '--quiet', '-b', branchName);
      await git('push', '--quiet', 'origin', `HEAD:refs/heads/${branchName}`);
    },
    async checkout(branchName) {
      await git('checkout', '--quiet', branchName);
    },
    head: () => git('rev-parse', 'HEAD'),
  };
}

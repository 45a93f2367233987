import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import { displayUrl, gitFailure, gitTimeout, isGitKilled, refNotFound } from './git-failures.js';
import { egressTarget } from './egress-policy.js';
import { checkoutPrefix } from './abandoned-checkouts.js';
import { hardenedGit } from './hardened-git.js';
import { fullShaPattern, lsRemotePatterns, parseLsRemote, pickCommit, shortShaPattern } from './remote-refs.js';
import { RefCache } from './ref-cache.js';
import { assertCloneUrlShape, assertSafeCloneUrl, assertSafeRef } from './url-policy.js';

export interface Checkout { dir: string; sha: string; remove(): Promise<void> }

export interface GitRemoteOptions {
  cloneTimeoutMs: number;
  maxCloneBytes: number;
  refCacheMs: number;
  /** Parent folder of checkouts and temporary repos; default os.tmpdir(). */
  workDir?: string;
  /** When given, URLs are checked against it again; when absent, http URLs are trusted to have been checked by parseSpec. */
  allowHttpHosts?: string[];
  /** Keep the checkout's .git folder (default: removed, the builder needs only the files). */
  keepGitDir?: boolean;
  /** Hosts that may be on loopback or private addresses (besides allowHttpHosts). */
  allowPrivateHosts?: string[];
}

export function gitRemoteOptionsFromConfig(config: Pick<Config, 'git'>, workDir?: string): GitRemoteOptions {
  return {
    cloneTimeoutMs: config.git.cloneTimeoutSeconds * 1000,
    maxCloneBytes: config.git.maxCloneMb * 1024 * 1024,
    refCacheMs: config.git.refCacheSeconds * 1000,
    allowHttpHosts: config.git.allowHttpHosts,
    allowPrivateHosts: config.git.allowPrivateHosts,
    ...(workDir === undefined ? {} : { workDir }),
  };
}

type GitAt = (baseDir: string) => SimpleGit;
type GitWork<T> = (gitAt: GitAt, url: string) => Promise<T>;

/** Talks to remote repositories: ref to commit SHA (`ls-remote`), and checkouts at a SHA. */
export class GitRemote {
  private readonly refs: RefCache;
  private readonly workDir: string;

  constructor(private readonly options: GitRemoteOptions) {
    this.refs = new RefCache(options.refCacheMs);
    this.workDir = options.workDir ?? os.tmpdir();
  }

  static fromConfig(config: Pick<Config, 'git'>, workDir?: string): GitRemote {
    return new GitRemote(gitRemoteOptionsFromConfig(config, workDir));
  }

  async resolveRef(cloneUrl: string, ref: string): Promise<string> {
    this.checkUrl(cloneUrl);
    assertSafeRef(ref);
    if (fullShaPattern.test(ref.toLowerCase())) return ref.toLowerCase();
    return this.refs.get(cloneUrl, ref, () => this.withDeadline(cloneUrl, async (gitAt, url) => {
      await this.ensureWorkDir();
      const listing = await gitAt(this.workDir).listRemote(['--', url, ...lsRemotePatterns(ref)]);
      const sha = pickCommit(parseLsRemote(listing), ref);
      if (sha) return sha;
      if (shortShaPattern.test(ref)) return this.findCommitByPrefix(gitAt, url, ref.toLowerCase());
      throw refNotFound(url, ref);
    }));
  }

  async clone(cloneUrl: string, sha: string): Promise<Checkout> {
    this.checkUrl(cloneUrl);
    if (!fullShaPattern.test(sha)) {
      throw new LauncherError(400, 'bad-spec', `A checkout needs a full 40-character commit SHA, not ${JSON.stringify(sha.slice(0, 80))}; resolve the ref first.`);
    }
    await this.ensureWorkDir();
    const dir = await mkdtemp(path.join(this.workDir, checkoutPrefix('checkout')));
    try {
      await this.withDeadline(cloneUrl, async (gitAt, url) => {
        const git = gitAt(dir);
        await git.raw(['init', '--quiet']);
        await this.fetchCommit(git, url, sha, path.join(dir, '.git'));
        await this.assertTreeFits(git, url, sha);
        await git.raw(['checkout', '--quiet', '--detach', sha, '--']);
      });
      if (!this.options.keepGitDir) await removeDir(path.join(dir, '.git'));
    } catch (error) {
      const tooLarge = await this.downloadPassedLimit(path.join(dir, '.git'));
      await removeDir(dir);
      throw tooLarge ? this.downloadTooLarge(cloneUrl) : error;
    }
    let removal: Promise<void> | undefined;
    return { dir, sha, remove: () => (removal ??= removeDir(dir)) };
  }

  private async ensureWorkDir(): Promise<void> {
    await mkdir(this.workDir, { recursive: true });
  }

  private checkUrl(cloneUrl: string): URL {
    return this.options.allowHttpHosts ? assertSafeCloneUrl(cloneUrl, this.options.allowHttpHosts) : assertCloneUrlShape(cloneUrl);
  }

  /**
   * One deadline for a whole operation: every git call in it is killed when it passes. The
   * egress check runs first, each time: git gets the URL as it was checked, pinned to the
   * addresses that were approved.
   */
  private async withDeadline<T>(cloneUrl: string, work: GitWork<T>): Promise<T> {
    const target = await egressTarget(this.checkUrl(cloneUrl), {
      allowedHosts: [...(this.options.allowHttpHosts ?? []), ...(this.options.allowPrivateHosts ?? [])],
    });
    const url = target.url;
    const timeoutMs = this.options.cloneTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const gitAt: GitAt = (baseDir) => hardenedGit({
      baseDir, remoteUrl: url, inactivityTimeoutMs: timeoutMs, signal: controller.signal, pins: target.pins, maxFileBytes: this.options.maxCloneBytes,
    });
    try {
      return await work(gitAt, url);
    } catch (error) {
      throw controller.signal.aborted ? gitTimeout(url, timeoutMs, error) : gitFailure(error, url, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A short SHA names no ref: look for it among the commits of all branches and tags. */
  private async findCommitByPrefix(gitAt: GitAt, url: string, prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(this.workDir, checkoutPrefix('refs')));
    try {
      const git = gitAt(dir);
      await git.raw(['init', '--quiet', '--bare']);
      // Without blobs the history is small; servers that cannot filter send everything (git warns and goes on).
      try {
        await git.raw(['fetch', '--quiet', '--filter=blob:none', '--no-tags', '--', url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
      } catch (error) {
        throw (await this.downloadPassedLimit(dir)) ? this.downloadTooLarge(url) : error;
      }
      try {
        return (await git.raw(['rev-parse', '--verify', `${prefix}^{commit}`])).trim();
      } catch (error) {
        if (isGitKilled(error)) throw error;
        if (/ambiguous/i.test(String(error))) {
          throw new LauncherError(400, 'ambiguous-ref',
            `The short SHA "${prefix}" matches more than one commit of ${displayUrl(url)}. Use more characters or the full SHA.`, { cause: error });
        }
        throw refNotFound(url, prefix, error);
      }
    } finally {
      await removeDir(dir);
    }
  }

  private async fetchCommit(git: SimpleGit, url: string, sha: string, gitDir: string): Promise<void> {
    try {
      await git.raw(['fetch', '--quiet', '--depth', '1', '--no-tags', '--', url, sha]);
      return;
    } catch (error) {
      if (await this.downloadPassedLimit(gitDir)) throw this.downloadTooLarge(url);
      const failure = gitFailure(error, url, this.options.cloneTimeoutMs);
      if (failure.reason !== 'git-failed') throw failure;
    }
    // The server fetches only advertised refs (protocol v0 without allowAnySHA1InWant): take them all.
    await git.raw(['fetch', '--quiet', '--no-tags', '--', url, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
    const type = await git.raw(['cat-file', '-t', sha]).catch(() => '');
    if (type.trim() !== 'commit') throw refNotFound(url, sha);
  }

  /** Whether a pack file reached maxCloneBytes: git's file size limit (RLIMIT_FSIZE) cut the download there. */
  private async downloadPassedLimit(gitDir: string): Promise<boolean> {
    const packDir = path.join(gitDir, 'objects', 'pack');
    const names = await readdir(packDir).catch(() => [] as string[]);
    const sizes = await Promise.all(names.map((name) => stat(path.join(packDir, name)).then((info) => info.size, () => 0)));
    return sizes.some((size) => size >= this.options.maxCloneBytes);
  }

  private downloadTooLarge(url: string): LauncherError {
    const mib = (this.options.maxCloneBytes / 1024 / 1024).toFixed(1);
    return new LauncherError(413, 'repo-too-large',
      `The download of ${displayUrl(url)} passed the ${mib} MiB this launcher accepts (git.maxCloneMb) and was stopped. Launch a smaller repository, or ask the operator to raise git.maxCloneMb.`,
      { details: { maxBytes: this.options.maxCloneBytes } });
  }

  /** Sums the commit's file sizes before anything is written out, so a huge repo never lands on disk. */
  private async assertTreeFits(git: SimpleGit, url: string, sha: string): Promise<void> {
    const listing = await git.raw(['ls-tree', '-r', '-l', '--full-tree', sha]);
    let bytes = 0;
    for (const line of listing.split('\n')) {
      const size = Number(/^\S+ blob \S+\s+(\d+)\t/.exec(line)?.[1] ?? 0);
      bytes += size;
    }
    if (bytes > this.options.maxCloneBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      throw new LauncherError(413, 'repo-too-large',
        `${displayUrl(url)} at ${sha.slice(0, 12)} holds ${mb(bytes)} MiB of files, more than the ${mb(this.options.maxCloneBytes)} MiB this launcher accepts (git.maxCloneMb).`,
        { details: { bytes, maxBytes: this.options.maxCloneBytes } });
    }
  }
}

function removeDir(dir: string): Promise<void> {
  // Retries cover a killed git whose children are still letting go of files.
  return rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

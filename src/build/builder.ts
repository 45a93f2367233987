import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';
import type { Checkout } from '../repos/git-remote.js';
import type { RepoSpec } from '../repos/repo-spec.js';
import { detectBuildPlan, renderDockerfile, type BuildPlan } from './build-plan.js';
import { BuildJob } from './build-job.js';
import { FifoQueue } from '../queue/fifo-queue.js';
import { buildLabels, imageNameFor } from './image-name.js';
import type { BuildContextSource, BuildLimits, ImageStore } from './image-store.js';
import { listRepoFiles } from './repo-files.js';
import { buildContextFor, generatedDockerfileName } from './build-context.js';

export { generatedDockerfileName };

export interface RepoFetcher {
  resolveRef(cloneUrl: string, ref: string): Promise<string>;
  clone(cloneUrl: string, sha: string): Promise<Checkout>;
}

export interface BuilderSettings {
  /** The launcher instance: its images carry this label, and only they are listed and pruned. */
  instance: string;
  baseImage: string;
  imagePrefix: string;
  timeoutMs: number;
  memoryMb: number;
  maxConcurrent: number;
  /** Docker network of build steps (see ImageBuildRequest.networkMode). */
  network: string;
  pipIndexUrl: string;
  aptMirror: string;
  /** 0: none (as for the two below). */
  cpus: number;
  maxDiskMb: number;
  diskPollMs: number;
}

/** The build slots' cgroups (process, CPU and memory limits of each build). */
export interface BuildSandbox {
  status(): Promise<{ ok: true; parents: string[]; dirs: string[] } | { ok: false; problem: string }>;
}

export interface BuilderDeps {
  git: RepoFetcher;
  images: ImageStore;
  /** null: the operator switched the build limits off (build.pids, cpus and maxDiskMb all 0). */
  cgroups?: BuildSandbox | null;
  settings: BuilderSettings;
  logger: Logger;
}

export interface DryRun {
  sha: string;
  imageName: string;
  plan: BuildPlan;
  dockerfile: string;
}

/**
 * Turns (repo, commit) into an image: an existing image is a cache hit, one build runs per
 * image however many people ask, builds beyond the limit queue, and every failure ends in a
 * LauncherError with nothing left behind (checkout removed, no tagged half-image).
 */
export class Builder {
  private readonly jobs = new Map<string, BuildJob>();
  private readonly queue: FifoQueue;
  /** Build slots not in use: each running build holds one, and with it its cgroup. */
  private readonly freeSlots: number[];
  private started = 0;

  constructor(private readonly deps: BuilderDeps) {
    this.queue = new FifoQueue(deps.settings.maxConcurrent);
    this.freeSlots = Array.from({ length: deps.settings.maxConcurrent }, (_, slot) => slot);
  }

  /** Why builds are refused right now (their limits are not in place), or null. */
  async limitsProblem(): Promise<string | null> {
    const status = await this.deps.cgroups?.status();
    return status && !status.ok ? status.problem : null;
  }

  async resolve(repo: RepoSpec): Promise<{ sha: string; imageName: string }> {
    const sha = await this.deps.git.resolveRef(repo.cloneUrl, repo.ref);
    return { sha, imageName: imageNameFor(this.deps.settings.imagePrefix, repo.slug, sha) };
  }

  /**
   * The build of this image: already finished when cached, shared while one runs.
   * `beforeNewBuild` runs only when a new build is about to start (rate limits); if it throws,
   * nothing is built.
   */
  async jobFor(repo: RepoSpec, sha: string, imageName: string, beforeNewBuild?: () => Promise<void>): Promise<BuildJob> {
    const running = this.jobs.get(imageName);
    if (running && !running.isFinished) return running;
    if (await this.deps.images.exists(imageName)) {
      const cached = new BuildJob(imageName);
      cached.succeed('Found built image, launching...\n');
      return cached;
    }
    const problem = await this.limitsProblem();
    if (problem !== null) throw new LauncherError(503, 'build-limits-missing', problem);
    await beforeNewBuild?.();
    const again = this.jobs.get(imageName);
    if (again && !again.isFinished) return again;
    const job = new BuildJob(imageName);
    this.jobs.set(imageName, job);
    this.started += 1;
    void this.run(job, repo, sha).finally(() => {
      if (this.jobs.get(imageName) === job) this.jobs.delete(imageName);
    });
    return job;
  }

  get queueStats(): { running: number; waiting: number } {
    return this.queue.stats;
  }

  /** Builds started since this process began (cache hits and shared builds do not count). */
  get buildsStarted(): number {
    return this.started;
  }

  private async run(job: BuildJob, repo: RepoSpec, sha: string): Promise<void> {
    const started = Date.now();
    try {
      job.emit({ phase: 'waiting', message: 'Waiting for a build slot...\n' });
      await this.queue.run(
        () => this.buildInSlot(job, repo, sha),
        { onPosition: (position) => job.emit({ phase: 'waiting', message: `Waiting for a build slot: number ${position} in the queue\n`, position }) },
      );
      this.deps.logger.info({ image: job.imageName, repo: repo.displayName, ms: Date.now() - started }, 'image built');
      job.succeed();
    } catch (caught) {
      const error = caught instanceof LauncherError ? caught
        : new LauncherError(500, 'build-failed', `The build failed: ${(caught as Error).message}`, { cause: caught });
      this.deps.logger.warn({ image: job.imageName, repo: repo.displayName, reason: error.reason, ms: Date.now() - started }, 'build failed');
      await this.deps.images.remove(job.imageName).catch(() => undefined);
      job.fail(error);
    }
  }

  private async buildInSlot(job: BuildJob, repo: RepoSpec, sha: string): Promise<void> {
    const { settings } = this.deps;
    job.emit({ phase: 'fetching', message: `Fetching ${repo.displayName} at ${sha.slice(0, 12)}...\n` });
    const checkout = await this.deps.git.clone(repo.cloneUrl, sha);
    const slot = this.freeSlots.shift()!;
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; abort.abort(); }, settings.timeoutMs);
    try {
      const { plan, context } = await this.prepareContext(checkout.dir);
      job.emit({ phase: 'building', message: `Building ${job.imageName}\n${plan.notes.map((note) => `  ${note}\n`).join('')}` });
      await this.deps.images.build({
        context,
        dockerfile: generatedDockerfileName,
        tag: job.imageName,
        labels: { [buildLabels.role]: 'build', [buildLabels.instance]: settings.instance, [buildLabels.repo]: repo.displayName, [buildLabels.commit]: sha },
        buildArgs: settings.pipIndexUrl ? { PIP_INDEX_URL: settings.pipIndexUrl } : {},
        networkMode: settings.network,
        memoryMb: settings.memoryMb,
        ...(await this.limitsFor(slot)),
        signal: abort.signal,
        onLog: (text) => job.log(text),
      });
    } catch (error) {
      if (timedOut) {
        throw new LauncherError(504, 'build-timeout', `The build took longer than ${Math.round(settings.timeoutMs / 1000)} s and was stopped. Make the environment smaller (fewer or lighter dependencies), or ask the operator to raise build.timeoutSeconds.`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.freeSlots.push(slot);
      await checkout.remove();
    }
  }

  private async limitsFor(slot: number): Promise<{ limits?: BuildLimits }> {
    const status = await this.deps.cgroups?.status();
    if (!status) return {};
    if (!status.ok) throw new LauncherError(503, 'build-limits-missing', status.problem);
    const { cpus, maxDiskMb, diskPollMs } = this.deps.settings;
    return { limits: { cgroupParent: status.parents[slot]!, cgroupDir: status.dirs[slot]!, cpus, maxDiskMb, diskPollMs } };
  }

  /**
   * The plan and the context stream's parts. The Dockerfile the engine builds is the one read and
   * checked here (an own Dockerfile too), sent in the stream: nothing is written into the checkout.
   */
  private async prepareContext(dir: string): Promise<{ plan: BuildPlan; context: BuildContextSource }> {
    const files = await listRepoFiles(dir);
    const plan = await detectBuildPlan(files);
    const dockerfile = await renderDockerfile(plan, files, this.dockerfileSettings());
    return { plan, context: { dir: files.root, ...(await buildContextFor(files, dockerfile)) } };
  }

  private dockerfileSettings() {
    const { baseImage, pipIndexUrl, aptMirror } = this.deps.settings;
    return { baseImage, pipIndexUrl, aptMirror };
  }

  /** What a build would do, without building: for `nblaunch build --dry-run` and the API. */
  async dryRun(repo: RepoSpec): Promise<DryRun> {
    const { sha, imageName } = await this.resolve(repo);
    const checkout = await this.deps.git.clone(repo.cloneUrl, sha);
    try {
      const files = await listRepoFiles(checkout.dir);
      const plan = await detectBuildPlan(files);
      const dockerfile = await renderDockerfile(plan, files, this.dockerfileSettings());
      return { sha, imageName, plan, dockerfile };
    } finally {
      await checkout.remove();
    }
  }
}

import { lstatSync } from 'node:fs';
import { relative, sep } from 'node:path';
import Docker from 'dockerode';
import { pack } from 'tar-fs';
import { LauncherError, isConnectionError } from '../errors/launcher-error.js';
import { labelKeys } from './labels.js';
import type { CgroupHost } from './build-cgroups.js';
import { removeBuildContainers, watchBuildDisk } from './build-disk-watch.js';

/** A checkout as a build context: its files (links packed as links, never followed) plus entries the launcher adds. */
export interface BuildContextSource {
  dir: string;
  /** Added to the stream after the checkout's files (the Dockerfile, the .dockerignore). */
  extraFiles: { name: string; content: string }[];
  /** Checkout paths (posix, relative) left out of the stream. */
  excludes(path: string, isDirectory: () => boolean): boolean;
}

export interface ImageBuildRequest {
  context: BuildContextSource;
  /** Name of the Dockerfile inside the context (one of `context.extraFiles`). */
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  /** The Docker network of RUN steps: the deployment's sandbox network, or `host` (trusted operators only). */
  networkMode: string;
  memoryMb: number;
  /** Limits beyond memory; absent when the operator switched them off. */
  limits?: BuildLimits;
  signal: AbortSignal;
  onLog: (text: string) => void;
}

export interface BuildLimits {
  /** The slot's cgroup (`cgroupparent`), which holds the process limit. */
  cgroupParent: string;
  /** Its folder in the pids hierarchy: its children are the build's running containers. */
  cgroupDir: string;
  /** 0: none. */
  cpus: number;
  /** What one build may write: each RUN step, the largest file, and the layers it adds to the image; 0: none. */
  maxDiskMb: number;
  diskPollMs: number;
}

export interface ImageInfo {
  id: string;
  tags: string[];
  labels: Record<string, string>;
  createdAt: number;
  sizeBytes: number;
}

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

const mib = 1024 * 1024;

/** The build API's own limits: CPU quota, and the size of any one file (a first line against a disk filled by one write). */
function limitOptions(limits: BuildLimits | undefined): Record<string, unknown> {
  if (!limits) return {};
  return {
    cgroupparent: limits.cgroupParent,
    ...(limits.cpus > 0 ? { cpuperiod: 100_000, cpuquota: Math.round(limits.cpus * 100_000) } : {}),
    // A JSON string: the engine reads ulimits as JSON, and an array would become repeated query keys.
    ...(limits.maxDiskMb > 0 ? { ulimits: JSON.stringify([{ Name: 'fsize', Soft: limits.maxDiskMb * mib, Hard: limits.maxDiskMb * mib }]) } : {}),
  };
}

/** A RUN step killed by SIGXFSZ (128 + 25): it passed the fsize limit. */
function fileTooLarge(error: unknown): boolean {
  return error instanceof LauncherError && /returned a non-zero code: 153\b/.test(error.message);
}

function engineUnreachable(cause: unknown): LauncherError {
  return new LauncherError(503, 'docker-unreachable', 'The Docker engine is not answering, so nothing can be built. Try again in a minute.', { cause });
}

/**
 * The context as a tar stream, built here rather than on disk: nothing is written into the
 * checkout, and its links are packed as links (the engine resolves them inside the context).
 */
function contextStream(context: BuildContextSource): NodeJS.ReadableStream {
  const excluded = (absolute: string) => {
    const path = relative(context.dir, absolute).split(sep).join('/');
    return path !== '' && context.excludes(path, () => lstatSync(absolute).isDirectory());
  };
  return pack(context.dir, {
    ignore: excluded,
    finalize: false,
    finish: (stream) => {
      for (const file of context.extraFiles) stream.entry({ name: file.name, mode: 0o644 }, file.content);
      stream.finalize();
    },
  }) as unknown as NodeJS.ReadableStream;
}

/** Images on the Docker engine: build (classic builder), look up, list, remove. */
export class DockerImageStore {
  private readonly docker: Docker;

  constructor(socketPath?: string) {
    this.docker = socketPath ? new Docker({ socketPath }) : new Docker();
  }

  /** The engine's cgroup version and driver, for the build cgroups. */
  async cgroupHost(): Promise<CgroupHost> {
    const info = await this.docker.info() as { CgroupVersion?: string; CgroupDriver?: string };
    return { version: info.CgroupVersion === '2' ? 2 : 1, driver: info.CgroupDriver === 'systemd' ? 'systemd' : 'cgroupfs', root: '/sys/fs/cgroup' };
  }

  async exists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
  }

  /** Builds and tags; rejects with `build-failed` carrying Docker's own error line. */
  async build(request: ImageBuildRequest): Promise<void> {
    const { limits } = request;
    const stop = new AbortController();
    const signal = AbortSignal.any([request.signal, stop.signal]);
    let overDisk: number | undefined;
    const unwatch = limits && limits.maxDiskMb > 0
      ? watchBuildDisk(this.docker, limits.cgroupDir, limits.maxDiskMb * mib, limits.diskPollMs, (bytes) => {
        overDisk = bytes;
        stop.abort();
      })
      : () => undefined;
    const startedSeconds = Math.floor(Date.now() / 1000) - 1;
    try {
      await this.runBuild(request, signal);
      if (limits && limits.maxDiskMb > 0) overDisk = await this.addedBytesOver(request.tag, startedSeconds, limits.maxDiskMb * mib);
    } catch (error) {
      if (limits && limits.maxDiskMb > 0 && fileTooLarge(error)) {
        throw new LauncherError(507, 'build-disk-limit', `The build wrote a file larger than ${limits.maxDiskMb} MiB and was stopped. Install less, or ask the operator to raise build.maxDiskMb.`);
      }
      if (overDisk === undefined) throw error;
    } finally {
      unwatch();
      // The engine stops a RUN step when the request ends; this makes sure, and frees the slot for the next build.
      if (limits) await removeBuildContainers(this.docker, limits.cgroupDir);
    }
    if (overDisk !== undefined) {
      await this.remove(request.tag).catch(() => undefined);
      throw new LauncherError(507, 'build-disk-limit', `The build wrote more than ${limits!.maxDiskMb} MiB (at least ${Math.round(overDisk / mib)} MiB) and was stopped. Install less (or clean caches and downloads in the same RUN step), or ask the operator to raise build.maxDiskMb.`);
    }
  }

  /** Bytes the image's own new layers hold beyond `maxBytes`, or undefined when within. */
  private async addedBytesOver(tag: string, sinceSeconds: number, maxBytes: number): Promise<number | undefined> {
    const history = await this.docker.getImage(tag).history() as { Created: number; Size: number }[];
    const added = history.filter((layer) => layer.Created >= sinceSeconds).reduce((sum, layer) => sum + layer.Size, 0);
    return added > maxBytes ? added : undefined;
  }

  private async runBuild(request: ImageBuildRequest, signal: AbortSignal): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(contextStream(request.context), {
        t: request.tag,
        dockerfile: request.dockerfile,
        labels: { ...request.labels, [labelKeys.managed]: 'true' },
        buildargs: request.buildArgs,
        networkmode: request.networkMode,
        memory: request.memoryMb * 1024 * 1024,
        memswap: request.memoryMb * 1024 * 1024,
        ...limitOptions(request.limits),
        rm: true,
        forcerm: true,
        abortSignal: signal,
      } as Docker.ImageBuildOptions);
    } catch (error) {
      if (signal.aborted) throw new LauncherError(504, 'build-cancelled', 'The build was stopped.');
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw new LauncherError(500, 'build-failed', `Docker refused the build: ${(error as Error).message}`, { cause: error });
    }
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      let pending = '';
      const handle = (line: string) => {
        if (!line.trim()) return;
        let message: BuildMessage;
        try {
          message = JSON.parse(line) as BuildMessage;
        } catch {
          request.onLog(`${line}\n`);
          return;
        }
        if (message.error) {
          failure = message.errorDetail?.message ?? message.error;
          request.onLog(`${failure}\n`);
        } else if (message.stream) request.onLog(message.stream);
        else if (message.status) request.onLog(`${message.status}\n`);
      };
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(handle);
      });
      stream.on('error', (error: Error) => {
        reject(signal.aborted ? new LauncherError(504, 'build-cancelled', 'The build was stopped.') : new LauncherError(500, 'build-failed', `The build stream broke: ${error.message}`));
      });
      stream.on('end', () => {
        handle(pending);
        if (signal.aborted) reject(new LauncherError(504, 'build-cancelled', 'The build was stopped.'));
        else if (failure) reject(new LauncherError(422, 'build-failed', failure));
        else resolve();
      });
    });
  }

  async list(labels: Record<string, string>): Promise<ImageInfo[]> {
    try {
      const images = await this.docker.listImages({ filters: { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) } });
      return images.map((image) => ({
        id: image.Id,
        tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
        labels: image.Labels ?? {},
        createdAt: image.Created * 1000,
        sizeBytes: image.Size,
      }));
    } catch (error) {
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
  }

  async remove(tagOrId: string): Promise<void> {
    try {
      await this.docker.getImage(tagOrId).remove({ force: false });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) return;
      if (status === 409) throw new LauncherError(409, 'image-in-use', `The image ${tagOrId} is used by a container; stop it first.`);
      if (isConnectionError(error)) throw engineUnreachable(error);
      throw error;
    }
  }

  /** Containers left behind by builds (the classic builder's intermediate containers), for tests and cleanup. */
  async containersFromImage(tag: string): Promise<string[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { ancestor: [tag] } });
    return containers.map((container) => container.Id);
  }
}

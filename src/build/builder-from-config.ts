import type { Config } from '../config/schema.js';
import { Builder } from './builder.js';
import { createLogger, type Logger } from '../log/logger.js';
import { GitRemote } from '../repos/git-remote.js';
import { DockerImageStore } from '../runtime/image-store.js';
import { BuildCgroups } from '../runtime/build-cgroups.js';
import { DockerSandboxNetwork } from '../runtime/sandbox-network.js';
import type { ImageStore } from './image-store.js';

/** The Builder wired from the configuration (the launcher and the command line share it). */
export function builderFromConfig(config: Config, logger: Logger = createLogger('warn')): Builder {
  const images = new DockerImageStore();
  const sandbox = new DockerSandboxNetwork(config.instance);
  const { build } = config;
  const limited = build.pids > 0 || build.cpus > 0 || build.maxDiskMb > 0;
  return new Builder({
    git: GitRemote.fromConfig(config, config.git.checkoutDir || undefined),
    images: onSandbox(images, sandbox),
    cgroups: limited
      ? new BuildCgroups(() => images.cgroupHost(), { instance: config.instance, slots: build.maxConcurrent, pids: build.pids, cpus: build.cpus, memoryMb: build.memoryMb })
      : null,
    settings: {
      instance: config.instance,
      baseImage: config.image,
      imagePrefix: config.build.imagePrefix,
      timeoutMs: config.build.timeoutSeconds * 1000,
      memoryMb: config.build.memoryMb,
      maxConcurrent: config.build.maxConcurrent,
      network: config.build.network === 'host' ? 'host' : sandbox.name,
      pipIndexUrl: config.build.pipIndexUrl,
      aptMirror: config.build.aptMirror,
      cpus: build.cpus,
      maxDiskMb: build.maxDiskMb,
      diskPollMs: build.diskCheckSeconds * 1000,
    },
    logger,
  });
}

/** Build steps join the notebook network, so it must exist first (the command line, or Docker lost it). */
function onSandbox(images: ImageStore, sandbox: DockerSandboxNetwork): ImageStore {
  return {
    exists: (tag) => images.exists(tag),
    build: async (request) => {
      if (request.networkMode === sandbox.name) await sandbox.ensure();
      await images.build(request);
    },
    list: (labels) => images.list(labels),
    remove: (tagOrId) => images.remove(tagOrId),
  };
}

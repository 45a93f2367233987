import type { Config } from '../config/schema.js';
import { Builder } from './builder.js';
import { createLogger, type Logger } from '../log/logger.js';
import { GitRemote } from '../repos/git-remote.js';
import { DockerImageStore } from '../runtime/image-store.js';
import { BuildCgroups } from '../runtime/build-cgroups.js';

/** The Builder wired from the configuration (the launcher and the command line share it). */
export function builderFromConfig(config: Config, logger: Logger = createLogger('warn')): Builder {
  const images = new DockerImageStore();
  const { build } = config;
  const limited = build.pids > 0 || build.cpus > 0 || build.maxDiskMb > 0;
  return new Builder({
    git: GitRemote.fromConfig(config, config.git.checkoutDir || undefined),
    images,
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
      network: config.build.network,
      pipIndexUrl: config.build.pipIndexUrl,
      aptMirror: config.build.aptMirror,
      cpus: build.cpus,
      maxDiskMb: build.maxDiskMb,
      diskPollMs: build.diskCheckSeconds * 1000,
    },
    logger,
  });
}

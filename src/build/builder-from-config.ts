import type { Config } from '../config/schema.js';
import { Builder } from './builder.js';
import { createLogger, type Logger } from '../log/logger.js';
import { GitRemote } from '../repos/git-remote.js';
import { DockerImageStore } from '../runtime/image-store.js';
import { sandboxNetworkName } from '../network/sandbox-names.js';

/** The Builder wired from the configuration (the launcher and the command line share it). */
export function builderFromConfig(config: Config, logger: Logger = createLogger('warn')): Builder {
  return new Builder({
    git: GitRemote.fromConfig(config, config.git.checkoutDir || undefined),
    images: new DockerImageStore(),
    settings: {
      instance: config.instance,
      baseImage: config.image,
      imagePrefix: config.build.imagePrefix,
      timeoutMs: config.build.timeoutSeconds * 1000,
      memoryMb: config.build.memoryMb,
      maxConcurrent: config.build.maxConcurrent,
      network: config.build.network === 'host' ? 'host' : sandboxNetworkName(config.instance),
      pipIndexUrl: config.build.pipIndexUrl,
      aptMirror: config.build.aptMirror,
    },
    logger,
  });
}

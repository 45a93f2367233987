import type { Config } from '../config/schema.js';
import { Builder } from './builder.js';
import { createLogger, type Logger } from '../log/logger.js';
import { GitRemote } from '../repos/git-remote.js';
import { DockerImageStore } from '../runtime/image-store.js';

/** The Builder as the launcher wires it, for the command line. */
export function builderFromConfig(config: Config, logger: Logger = createLogger('warn')): Builder {
  return new Builder({
    git: new GitRemote({ cloneTimeoutMs: config.git.cloneTimeoutSeconds * 1000, maxCloneBytes: config.git.maxCloneMb * 1024 * 1024, refCacheMs: config.git.refCacheSeconds * 1000, ...(config.git.checkoutDir ? { workDir: config.git.checkoutDir } : {}) }),
    images: new DockerImageStore(),
    settings: {
      baseImage: config.image,
      imagePrefix: config.build.imagePrefix,
      timeoutMs: config.build.timeoutSeconds * 1000,
      memoryMb: config.build.memoryMb,
      maxConcurrent: config.build.maxConcurrent,
      network: config.build.network,
      pipIndexUrl: config.build.pipIndexUrl,
      aptMirror: config.build.aptMirror,
    },
    logger,
  });
}

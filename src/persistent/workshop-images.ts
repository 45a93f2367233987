import type { ImageUsage } from '../build/image-usage.js';
import type { Logger } from '../log/logger.js';
import type { RepoImages } from '../pools/pool-state.js';
import { parseSpec, type RepoSettings } from '../repos/repo-spec.js';
import type { Workshop } from '../workshops/workshop.js';

/** Which image a workshop's servers run. */
export interface WorkshopImages {
  /** `previous` is the image the attendee's server ran last time, if it ran before. */
  imageFor(workshop: Workshop, previous?: string): Promise<string>;
}

export interface BuiltWorkshopImagesDeps {
  config: RepoSettings & { image: string };
  builder: RepoImages;
  imageUsage?: Pick<ImageUsage, 'touch'>;
  logger: Logger;
}

/**
 * The default image, or the workshop repo's image at its ref's current commit, built (once,
 * shared) when missing, as a repo link does.
 */
export class BuiltWorkshopImages implements WorkshopImages {
  constructor(private readonly deps: BuiltWorkshopImagesDeps) {}

  async imageFor(workshop: Workshop, previous?: string): Promise<string> {
    const { config, builder, imageUsage, logger } = this.deps;
    if (!workshop.repo) return config.image;
    try {
      const repo = parseSpec(workshop.repo.provider, workshop.repo.spec, config);
      const { sha, imageName } = await builder.resolve(repo);
      const job = await builder.jobFor(repo, sha, imageName);
      await job.done;
      await imageUsage?.touch(imageName).catch(() => undefined);
      return imageName;
    } catch (error) {
      // A returning attendee gets their server back even while the repo cannot be reached or built.
      if (!previous) throw error;
      logger.warn({ workshop: workshop.slug, err: (error as Error).message }, 'the workshop image could not be resolved or built; resuming on the previous one');
      return previous;
    }
  }
}

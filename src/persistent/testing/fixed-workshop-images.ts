import type { Workshop } from '../../workshops/workshop.js';
import type { WorkshopImages } from '../workshop-images.js';

/**
 * Every workshop runs `image`, which the test may change (as a repo moving to a new commit
 * does); with `failure` set, every request fails with it (a build that fails).
 */
export class FixedWorkshopImages implements WorkshopImages {
  readonly asked: Array<{ workshop: string; previous?: string }> = [];
  failure: Error | null = null;

  constructor(public image = 'nblaunch/test:1') {}

  async imageFor(workshop: Workshop, previous?: string): Promise<string> {
    this.asked.push({ workshop: workshop.slug, ...(previous ? { previous } : {}) });
    if (this.failure) throw this.failure;
    return this.image;
  }
}

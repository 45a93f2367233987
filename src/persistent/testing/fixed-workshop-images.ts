import type { Workshop } from '../../workshops/workshop.js';
import type { WorkshopImages } from '../workshop-images.js';

/** Every workshop runs `image`, which the test may change (as a repo moving to a new commit does). */
export class FixedWorkshopImages implements WorkshopImages {
  readonly asked: Array<{ workshop: string; previous?: string }> = [];

  constructor(public image = 'nblaunch/test:1') {}

  async imageFor(workshop: Workshop, previous?: string): Promise<string> {
    this.asked.push({ workshop: workshop.slug, ...(previous ? { previous } : {}) });
    return this.image;
  }
}

import type { Workshop } from '../workshop.js';
import type { WorkshopStore } from '../workshop-store.js';

const copy = (workshop: Workshop): Workshop => structuredClone(workshop);

/** An in-process WorkshopStore with the semantics of the Redis one. */
export class MemoryWorkshopStore implements WorkshopStore {
  readonly workshops = new Map<string, Workshop>();

  async create(workshop: Workshop): Promise<boolean> {
    if (this.workshops.has(workshop.slug)) return false;
    this.workshops.set(workshop.slug, copy(workshop));
    return true;
  }

  async get(slug: string): Promise<Workshop | null> {
    const found = this.workshops.get(slug);
    return found ? copy(found) : null;
  }

  async list(): Promise<Workshop[]> {
    return [...this.workshops.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.slug.localeCompare(b.slug)).map(copy);
  }

  async save(workshop: Workshop): Promise<boolean> {
    if (!this.workshops.has(workshop.slug)) return false;
    this.workshops.set(workshop.slug, copy(workshop));
    return true;
  }

  async remove(slug: string): Promise<boolean> {
    return this.workshops.delete(slug);
  }
}

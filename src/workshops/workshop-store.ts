import type { Workshop } from './workshop.js';

/** Where workshops live (Redis in production); every method may throw a 503 LauncherError. */
export interface WorkshopStore {
  /** Resolves false (and changes nothing) when the slug is taken. */
  create(workshop: Workshop): Promise<boolean>;
  get(slug: string): Promise<Workshop | null>;
  /** Oldest first. */
  list(): Promise<Workshop[]>;
  /** Replaces an existing workshop; resolves false when there is none with that slug. */
  save(workshop: Workshop): Promise<boolean>;
  remove(slug: string): Promise<boolean>;
}

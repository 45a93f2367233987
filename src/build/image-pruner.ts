import type { ImageInfo } from './image-store.js';

export interface PruneChoice {
  remove: ImageInfo[];
  keep: ImageInfo[];
}

/**
 * Chooses which built images to delete: least recently used first (launch time, or build time
 * when never launched), never one a running server uses, until at most `keep` remain.
 */
export function chooseImagesToPrune(images: ImageInfo[], lastUsed: Map<string, number>, inUse: Set<string>, keep: number): PruneChoice {
  const usedAt = (image: ImageInfo) => Math.max(image.createdAt, ...image.tags.map((tag) => lastUsed.get(tag) ?? 0));
  const sorted = [...images].sort((a, b) => usedAt(a) - usedAt(b));
  const remove: ImageInfo[] = [];
  let remaining = sorted.length;
  for (const image of sorted) {
    if (remaining <= keep) break;
    if (image.tags.some((tag) => inUse.has(tag))) continue;
    remove.push(image);
    remaining -= 1;
  }
  return { remove, keep: sorted.filter((image) => !remove.includes(image)) };
}

import type { PoolStatus } from '../../pools/pool-manager.js';

/** Pools that record what the warmer asks and report as many ready servers as the test says. */
export class RecordingPools {
  readonly sizes = new Map<string, { image: string; size: number }>();
  readonly ready = new Map<string, number>();

  setPool(key: string, image: string, size: number): void {
    this.sizes.set(key, { image, size });
  }

  async status(): Promise<Record<string, PoolStatus>> {
    return Object.fromEntries([...this.sizes].map(([key, { image, size }]) => [key, { image, size, ready: Math.min(size, this.ready.get(key) ?? 0), starting: 0 }]));
  }
}

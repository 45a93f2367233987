import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerHandle, ServerSpec } from '../spawner.js';
import { FakeSpawner, type FakeSpawnerOptions } from './fake-spawner.js';

/** A FakeSpawner whose start takes `delayMs`, so launches overlap; counts starts in flight. */
export class SlowSpawner extends FakeSpawner {
  inFlight = 0;
  peakInFlight = 0;

  constructor(private readonly delayMs: number, options: FakeSpawnerOptions = {}) {
    super(options);
  }

  override async start(spec: ServerSpec): Promise<ServerHandle> {
    this.starts.push(spec);
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      await sleep(this.delayMs);
      return this.create(spec);
    } finally {
      this.inFlight -= 1;
    }
  }
}

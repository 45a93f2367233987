import { LauncherError } from '../errors/launcher-error.js';
import { FifoQueue } from '../queue/fifo-queue.js';

/** Dry runs waiting for a slot, per running slot: enough to ride out a burst, few enough to hold no connections for long. */
const waitingPerSlot = 4;

/**
 * At most `maxConcurrent` dry runs (each a clone on disk) at once, a short queue behind them,
 * and 429 beyond it: disk use is bounded by `maxConcurrent` checkouts however many ask.
 */
export class DryRunGate {
  private readonly queue: FifoQueue;

  constructor(private readonly maxConcurrent: number) {
    this.queue = new FifoQueue(maxConcurrent);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    const { running, waiting } = this.queue.stats;
    if (running >= this.maxConcurrent && waiting >= this.maxConcurrent * waitingPerSlot) {
      throw new LauncherError(429, 'build-plan-busy', 'The launcher is busy working out other build plans. Try again in a minute.');
    }
    return this.queue.run(task);
  }
}

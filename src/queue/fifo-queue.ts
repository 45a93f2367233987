export interface RunOptions {
  /** Told the waiter's place in the queue (1 = next) whenever it changes. */
  onPosition?: (position: number) => void;
  /** Background work (pool refills) waits behind every foreground task and uses fewer slots. */
  background?: boolean;
}

export interface QueueStats {
  running: number;
  /** Foreground tasks waiting: the people in the queue. */
  waiting: number;
  waitingBackground: number;
}

interface Waiter {
  start: () => void;
  onPosition: (position: number) => void;
}

/**
 * At most `limit` tasks run at once; the rest wait in arrival order, foreground before
 * background, and background tasks never hold more than `backgroundLimit` slots, so a
 * foreground task finds a free slot sooner. Waiters are told their position as it changes.
 */
export class FifoQueue {
  private running = 0;
  private runningBackground = 0;
  private readonly foreground: Waiter[] = [];
  private readonly background: Waiter[] = [];
  private readonly backgroundLimit: number;

  constructor(private readonly limit: number, options: { backgroundLimit?: number } = {}) {
    this.backgroundLimit = Math.max(1, Math.min(limit, options.backgroundLimit ?? limit));
  }

  async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const background = options.background ?? false;
    if (this.canStartNow(background)) {
      this.take(background);
    } else {
      // The slot is handed over by the task that finishes (see pump), so no newcomer can take it first.
      await new Promise<void>((start) => {
        const waiter = { start, onPosition: options.onPosition ?? (() => undefined) };
        if (background) {
          this.background.push(waiter);
          waiter.onPosition(this.foreground.length + this.background.length);
        } else {
          this.foreground.push(waiter);
          waiter.onPosition(this.foreground.length);
          this.background.forEach((behind, index) => behind.onPosition(this.foreground.length + index + 1));
        }
      });
    }
    try {
      return await task();
    } finally {
      this.running -= 1;
      if (background) this.runningBackground -= 1;
      this.pump();
    }
  }

  get stats(): QueueStats {
    return { running: this.running, waiting: this.foreground.length, waitingBackground: this.background.length };
  }

  private canStartNow(background: boolean): boolean {
    if (this.running >= this.limit) return false;
    if (!background) return this.foreground.length === 0;
    return this.foreground.length === 0 && this.background.length === 0 && this.runningBackground < this.backgroundLimit;
  }

  private take(background: boolean): void {
    this.running += 1;
    if (background) this.runningBackground += 1;
  }

  private pump(): void {
    let started = false;
    while (this.running < this.limit) {
      const foreground = this.foreground.shift();
      if (foreground) {
        this.take(false);
        foreground.start();
      } else if (this.background.length > 0 && this.runningBackground < this.backgroundLimit) {
        this.take(true);
        this.background.shift()!.start();
      } else {
        break;
      }
      started = true;
    }
    if (started) this.tellPositions();
  }

  private tellPositions(): void {
    this.foreground.forEach((waiter, index) => waiter.onPosition(index + 1));
    this.background.forEach((waiter, index) => waiter.onPosition(this.foreground.length + index + 1));
  }
}

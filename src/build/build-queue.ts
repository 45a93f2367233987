/**
 * At most `limit` builds run at once; the rest wait in order. Waiters are told their
 * position whenever it changes.
 */
export class BuildQueue {
  private running = 0;
  private readonly waiting: Array<{ start: () => void; onPosition: (position: number) => void }> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, onPosition: (position: number) => void = () => undefined): Promise<T> {
    if (this.running >= this.limit) {
      // The slot is handed over by the task that finishes, so no newcomer can take it first.
      await new Promise<void>((start) => {
        this.waiting.push({ start, onPosition });
        onPosition(this.waiting.length);
      });
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running -= 1;
      this.waiting.forEach((waiter, index) => waiter.onPosition(index + 1));
    }
  }

  get stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

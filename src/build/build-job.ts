import { LauncherError } from '../errors/launcher-error.js';
import type { BuildEvent, BuildListener } from './build-events.js';

const keptLogLines = 300;

/**
 * One build of one image, shared by everyone who asked for it. Phase events and the last
 * lines of the log are kept, so a person who joins late sees where the build is.
 */
export class BuildJob {
  readonly done: Promise<string>;
  private readonly listeners = new Set<BuildListener>();
  private phaseEvents: BuildEvent[] = [];
  private logLines: BuildEvent[] = [];
  private settle!: { resolve: (image: string) => void; reject: (error: LauncherError) => void };
  private finished = false;

  constructor(readonly imageName: string) {
    this.done = new Promise<string>((resolve, reject) => { this.settle = { resolve, reject }; });
    this.done.catch(() => undefined);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  emit(event: BuildEvent): void {
    if (event.phase === 'building' && event.message) {
      this.logLines.push(event);
      if (this.logLines.length > keptLogLines) this.logLines.splice(0, this.logLines.length - keptLogLines);
    } else {
      this.phaseEvents.push(event);
    }
    for (const listener of this.listeners) listener(event);
  }

  log(text: string): void {
    this.emit({ phase: 'building', message: text });
  }

  /** Replays what happened so far, then follows; returns the unsubscribe function. */
  subscribe(listener: BuildListener): () => void {
    const lastPhase = this.phaseEvents.at(-1);
    for (const event of this.phaseEvents) if (event !== lastPhase) listener(event);
    for (const line of this.logLines) listener(line);
    if (lastPhase) listener(lastPhase);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  succeed(message = 'Built image, launching...\n'): void {
    if (this.finished) return;
    this.finished = true;
    this.emit({ phase: 'built', message, imageName: this.imageName });
    this.settle.resolve(this.imageName);
  }

  fail(error: LauncherError): void {
    if (this.finished) return;
    this.finished = true;
    this.emit({ phase: 'failed', message: `${error.message}\n`, reason: error.reason });
    this.settle.reject(error);
  }
}

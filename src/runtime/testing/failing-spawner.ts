import { LauncherError } from '../../errors/launcher-error.js';
import type { ServerHandle, ServerSpec } from '../spawner.js';
import { FakeSpawner, type FakeSpawnerOptions } from './fake-spawner.js';

export interface FailingSpawnerOptions extends FakeSpawnerOptions {
  /** Thrown by every start; an `image-missing` 503 unless given. */
  startError?: LauncherError;
  /** Thrown by ping when set (e.g. a `docker-unreachable` 503). */
  pingError?: LauncherError;
}

export function imageMissing(image = 'nblaunch/base:latest'): LauncherError {
  return new LauncherError(503, 'image-missing', `The notebook image "${image}" is not on this Docker engine.`);
}

/** A FakeSpawner whose start always fails (leaving nothing behind), and whose ping may fail. */
export class FailingSpawner extends FakeSpawner {
  readonly startError: LauncherError;
  private readonly pingError: LauncherError | undefined;

  constructor(options: FailingSpawnerOptions = {}) {
    super(options);
    this.startError = options.startError ?? imageMissing();
    this.pingError = options.pingError;
  }

  override async start(spec: ServerSpec): Promise<ServerHandle> {
    this.starts.push(spec);
    throw this.startError;
  }

  override async ping(): Promise<void> {
    if (this.pingError) throw this.pingError;
  }
}

import type { Builder } from '../build/builder.js';
import type { Logger } from '../log/logger.js';
import type { PoolDefinition } from './pool-definitions.js';
import type { PooledServer } from './pool-store.js';

/** A pool as this process sees it; what it holds is in the PoolStore. */
export interface PoolState extends PoolDefinition {
  /** The image the pool holds now; null until a repo pool's ref is first resolved. */
  image: string | null;
  /** False while that image is being built: no refills until it exists. */
  imageReady: boolean;
  /** Refills waiting in the start queue, holding no slot yet. */
  queued: number;
}

export type RepoImages = Pick<Builder, 'resolve' | 'jobFor'>;

export function initialState(definition: PoolDefinition, defaultImage: string): PoolState {
  return definition.repo
    ? { ...definition, image: null, imageReady: false, queued: 0 }
    : { ...definition, image: defaultImage, imageReady: true, queued: 0 };
}

/**
 * Points a repo pool at the image of its ref's current commit, building it when missing
 * (no rate limit: the operator asked for it). `onReady` runs once the image exists. A failed
 * build is not retried until the ref moves, so a broken commit does not rebuild every pass.
 */
export async function followRef(state: PoolState, builder: RepoImages, logger: Logger, onReady: () => void): Promise<void> {
  if (!state.repo) return;
  try {
    const { sha, imageName } = await builder.resolve(state.repo);
    if (imageName === state.image) return;
    logger.info({ pool: state.key, image: imageName, previous: state.image }, 'repo pool follows its ref to a new image');
    state.image = imageName;
    state.imageReady = false;
    const job = await builder.jobFor(state.repo, sha, imageName);
    job.done.then(() => {
      if (state.image !== imageName) return;
      state.imageReady = true;
      onReady();
    }, (error: Error) => logger.warn({ pool: state.key, image: imageName, err: error.message }, 'the image of a repo pool could not be built'));
  } catch (error) {
    logger.warn({ pool: state.key, err: (error as Error).message }, 'could not resolve the ref of a repo pool; it keeps its image');
  }
}

/** Why a ready pooled server should go, or null to keep it; `kept` is how many its pool keeps so far. */
export function discardReason(server: PooledServer, state: PoolState | undefined, kept: number, idleTooLong: boolean): string | null {
  if (!state || state.size === 0) return 'its pool is gone';
  if (state.image !== null && server.image !== state.image) return 'its pool has a new image';
  if (idleTooLong) return 'nobody took it for pool.maxIdleSeconds';
  if (kept >= state.size) return 'its pool is over size';
  return null;
}

import type { HandOutResult, HandOutTerms } from '../pools/pool-store.js';

/** What a launch asks of the warm pools (PoolManager in production). */
export interface WarmPools {
  /** A ready server of `image` made `clientIp`'s session in one atomic step, when there is one. */
  handOut(image: string, clientIp: string, terms: HandOutTerms, limits: { maxServersPerIp: number }): Promise<HandOutResult>;
  /** Removes one idle pooled server so a launch can have its capacity slot; false when there is none. */
  makeRoom(): Promise<boolean>;
}

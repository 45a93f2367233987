/** BinderHub's phases, in the order a launch goes through them. */
export type BuildPhase = 'waiting' | 'fetching' | 'building' | 'built' | 'launching' | 'ready' | 'failed';

export interface BuildEvent {
  phase: BuildPhase;
  message: string;
  imageName?: string;
  [field: string]: unknown;
}

export type BuildListener = (event: BuildEvent) => void;

/** A repo to open in a workshop's servers, resolved to a BinderHub spec when the workshop is saved. */
export interface WorkshopRepo {
  /** As the organizer gave it. */
  url: string;
  ref: string;
  /** A file to open, relative to the repo's top. */
  file?: string;
  provider: string;
  /** What follows /v2/<provider>/ (ref included). */
  spec: string;
}

export interface WorkshopLimits {
  memoryMb: number;
  cpus: number;
}

export interface Workshop {
  slug: string;
  title: string;
  /** None: servers run the launcher's default image. */
  repo?: WorkshopRepo;
  /** ISO times; endsAt is after startsAt. */
  startsAt: string;
  endsAt: string;
  limits: WorkshopLimits;
  /** The code for the room (`K7PQ-4XMD`): with it and their email, a registered attendee signs in. None: personal links only. */
  accessCode?: string;
  /** How many servers to warm before the start time; none recorded: the launcher's `workshops.warmServers`. */
  warmServers?: number;
  createdAt: string;
  endedAt?: string;
}

export const slugPattern = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** Over when an organizer ended it, or when its end time has passed. */
export function isOver(workshop: Workshop, now = new Date()): boolean {
  return workshop.endedAt !== undefined || now.getTime() >= Date.parse(workshop.endsAt);
}

/** Where a launched server of this workshop opens: BinderHub's launch link plus the file. */
export function repoLaunchPath(repo: WorkshopRepo): string {
  const query = repo.file ? `?labpath=${encodeURIComponent(repo.file)}` : '';
  return `/v2/${repo.provider}/${repo.spec}${query}`;
}

/** How many servers the workshop warms: its own setting, or the launcher's default for workshops made before there was one. */
export function warmServersOf(workshop: Workshop, launcherDefault: number): number {
  return workshop.warmServers ?? launcherDefault;
}

export const labelKeys = {
  managed: 'org.nblaunch.managed',
  instance: 'org.nblaunch.instance',
  session: 'org.nblaunch.session',
  kind: 'org.nblaunch.kind',
  image: 'org.nblaunch.image',
  /** The key of the warm pool a server was started for (with kind `pooled`). */
  pool: 'org.nblaunch.pool',
  repo: 'org.nblaunch.repo',
  /** A workshop attendee's server and home volume (with kind `persistent`): the workshop's slug. */
  workshop: 'org.nblaunch.workshop',
  attendee: 'org.nblaunch.attendee',
  /** What a volume or helper container is for: `home` (an attendee's files) or `export`. */
  role: 'org.nblaunch.role',
} as const;

export function serverLabels(instance: string, id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    [labelKeys.managed]: 'true',
    [labelKeys.instance]: instance,
    [labelKeys.session]: id,
    [labelKeys.kind]: extra[labelKeys.kind] ?? 'ephemeral',
  };
}

export function containerName(instance: string, id: string): string {
  return `nblaunch-${instance}-${id}`;
}

/** The labels of an attendee's home volume: the reconciler never touches volumes, an organizer deletes them. */
export function homeVolumeLabels(instance: string, workshop: string, attendeeId: string): Record<string, string> {
  return {
    [labelKeys.managed]: 'true',
    [labelKeys.instance]: instance,
    [labelKeys.role]: 'home',
    [labelKeys.workshop]: workshop,
    [labelKeys.attendee]: attendeeId,
  };
}

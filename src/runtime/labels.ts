export const labelKeys = {
  managed: 'org.nblaunch.managed',
  instance: 'org.nblaunch.instance',
  session: 'org.nblaunch.session',
  kind: 'org.nblaunch.kind',
  image: 'org.nblaunch.image',
  /** The key of the warm pool a server was started for (with kind `pooled`). */
  pool: 'org.nblaunch.pool',
  repo: 'org.nblaunch.repo',
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

import type Docker from 'dockerode';
import { containersInCgroup } from './build-cgroups.js';

/**
 * Watches what a running build writes. The classic builder's RUN containers live in the build
 * slot's cgroup while they run; each is inspected with its size (SizeRw: what it wrote on top of
 * its image) every `pollMs`, and `onOver` is called once when one passes `maxBytes`.
 * There is no disk quota on ext4 under overlay2, so this is the limit, with `fsize` as a first line.
 */
export function watchBuildDisk(docker: Docker, cgroupDir: string, maxBytes: number, pollMs: number, onOver: (bytes: number) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    for (const id of containersInCgroup(cgroupDir)) {
      const size = await docker.getContainer(id).inspect({ size: true } as Docker.ContainerInspectOptions).then((info) => (info as { SizeRw?: number }).SizeRw ?? 0, () => 0);
      if (!stopped && size > maxBytes) {
        stopped = true;
        onOver(size);
        return;
      }
    }
    if (!stopped) timer = setTimeout(() => void poll(), pollMs);
  };
  timer = setTimeout(() => void poll(), pollMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Kills and removes every container still in a build slot's cgroup (a stopped or failed build's RUN step). */
export async function removeBuildContainers(docker: Docker, cgroupDir: string): Promise<string[]> {
  const ids = containersInCgroup(cgroupDir);
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  return ids;
}

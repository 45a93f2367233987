import type { Config } from '../config/schema.js';
import { ensureBuildCgroups } from '../runtime/build-cgroups.js';
import { DockerImageStore } from '../runtime/image-store.js';
import { log } from './host.js';

/**
 * Makes the build slots' cgroups (process, CPU and memory limits of builds) for the configured
 * launcher, so a launcher that does not run as root can still build. Without them it refuses to.
 */
export async function ensureBuildLimits(config: Config): Promise<void> {
  const { build } = config;
  if (build.pids === 0 && build.cpus === 0 && build.maxDiskMb === 0) {
    log('build limits are switched off (build.pids, build.cpus and build.maxDiskMb are 0)');
    return;
  }
  const host = await new DockerImageStore().cgroupHost();
  const status = ensureBuildCgroups(host, { instance: config.instance, slots: build.maxConcurrent, pids: build.pids, cpus: build.cpus, memoryMb: build.memoryMb }, process.getuid?.() === 0);
  log(status.ok ? `build limits in place (cgroup v${host.version}, ${host.driver}): ${status.parents.join(', ')}` : status.problem);
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The cgroups builds run in. The classic builder's API has memory and CPU options but no
 * process limit, and `ulimit nproc` is per user host-wide (and root ignores it), so each build
 * slot gets a cgroup of its own with pids.max (and CPU and memory limits), made by the launcher
 * when it may (root) or by `setup` ahead of it, and named as the build's `cgroupparent`: every
 * RUN container of that build is created inside it, so the limits hold for all of them together.
 * Its children are those containers: that is also how a running build's containers are found.
 */
export interface BuildCgroupLimits {
  instance: string;
  slots: number;
  /** 0: no process limit. */
  pids: number;
  /** 0: no CPU limit. */
  cpus: number;
  memoryMb: number;
}

export interface CgroupHost {
  version: 1 | 2;
  driver: 'cgroupfs' | 'systemd';
  /** Where cgroup file systems are mounted (a temp folder in unit tests). */
  root: string;
}

export type BuildCgroupsStatus =
  | { ok: true; parents: string[]; dirs: string[] }
  | { ok: false; problem: string };

const periodUs = 100_000;

/** `cgroupparent` of a slot, as the engine's cgroup driver wants it. */
export function cgroupParentOf(host: CgroupHost, instance: string, slot: number): string {
  return host.driver === 'systemd' ? `nblaunch-builds-${instance}-${slot}.slice` : `/nblaunch-builds/${instance}/slot-${slot}`;
}

/** The slot's folder in the pids hierarchy: its children are the build's containers. */
export function cgroupDirOf(host: CgroupHost, parent: string): string {
  const relative = host.driver === 'systemd' ? systemdSlicePath(parent) : parent.replace(/^\//, '');
  return host.version === 1 ? join(host.root, 'pids', relative) : join(host.root, relative);
}

/** systemd nests slices by their dashes: a-b-c.slice lives in a.slice/a-b.slice/a-b-c.slice. */
function systemdSlicePath(slice: string): string {
  const parts = slice.replace(/\.slice$/, '').split('-');
  return parts.map((_, index) => `${parts.slice(0, index + 1).join('-')}.slice`).join('/');
}

/** Ids of the containers inside a slot's cgroup right now. */
export function containersInCgroup(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => /^(?:docker-)?([0-9a-f]{64})(?:\.scope)?$/.exec(name)?.[1] ?? []);
}

interface LimitFile { path: string; value: string }

/** The files and values that make a slot's limits, per cgroup version. */
function limitFiles(host: CgroupHost, relative: string, limits: BuildCgroupLimits): LimitFile[] {
  const memory = String(limits.memoryMb * 1024 * 1024);
  if (host.version === 1) {
    return [
      { path: join(host.root, 'pids', relative, 'pids.max'), value: limits.pids > 0 ? String(limits.pids) : 'max' },
      { path: join(host.root, 'memory', relative, 'memory.limit_in_bytes'), value: memory },
      { path: join(host.root, 'cpu', relative, 'cpu.cfs_period_us'), value: String(periodUs) },
      { path: join(host.root, 'cpu', relative, 'cpu.cfs_quota_us'), value: limits.cpus > 0 ? String(Math.round(limits.cpus * periodUs)) : '-1' },
    ];
  }
  return [
    { path: join(host.root, relative, 'pids.max'), value: limits.pids > 0 ? String(limits.pids) : 'max' },
    { path: join(host.root, relative, 'memory.max'), value: memory },
    { path: join(host.root, relative, 'cpu.max'), value: `${limits.cpus > 0 ? Math.round(limits.cpus * periodUs) : 'max'} ${periodUs}` },
  ];
}

/** Makes the cgroupfs folders and writes the limits (needs root or a delegated tree). */
function writeCgroupfs(host: CgroupHost, relative: string, limits: BuildCgroupLimits): void {
  if (host.version === 1) {
    for (const controller of ['pids', 'memory', 'cpu']) mkdirSync(join(host.root, controller, relative), { recursive: true });
  } else {
    const parts = relative.split('/');
    for (let depth = 0; depth < parts.length; depth += 1) {
      const dir = join(host.root, ...parts.slice(0, depth));
      mkdirSync(join(host.root, ...parts.slice(0, depth + 1)), { recursive: true });
      writeFileSync(join(dir, 'cgroup.subtree_control'), '+pids +memory +cpu');
    }
  }
  for (const file of limitFiles(host, relative, limits)) writeFileSync(file.path, file.value);
}

function sliceUnit(limits: BuildCgroupLimits, version: 1 | 2): string {
  return [
    '# Made by nblaunch setup: the limits of one build slot.',
    '[Slice]',
    `TasksMax=${limits.pids > 0 ? limits.pids : 'infinity'}`,
    `CPUQuota=${limits.cpus > 0 ? `${Math.round(limits.cpus * 100)}%` : ''}`,
    `${version === 2 ? 'MemoryMax' : 'MemoryLimit'}=${limits.memoryMb}M`,
    '',
  ].join('\n');
}

/** Writes the slot slices' units (systemd driver) and reloads systemd; root only. */
function writeSystemdSlices(parents: string[], limits: BuildCgroupLimits, version: 1 | 2, unitDir = '/etc/systemd/system'): void {
  for (const slice of parents) writeFileSync(join(unitDir, slice), sliceUnit(limits, version));
  execFileSync('systemctl', ['daemon-reload'], { stdio: 'ignore' });
}

/** What is wrong with the slots' limits as they are, or null when each holds what the config asks. */
function checkLimits(host: CgroupHost, parents: string[], limits: BuildCgroupLimits): string | null {
  for (const parent of parents) {
    if (host.driver === 'systemd') {
      let tasksMax = '';
      try {
        tasksMax = execFileSync('systemctl', ['show', '-p', 'TasksMax', '--value', parent], { encoding: 'utf8' }).trim();
      } catch (error) {
        return `systemctl cannot tell the limits of ${parent}: ${(error as Error).message}`;
      }
      if (limits.pids > 0 && tasksMax !== String(limits.pids)) return `the slice ${parent} has TasksMax=${tasksMax || '(none)'}, not ${limits.pids}`;
      continue;
    }
    for (const file of limitFiles(host, parent.replace(/^\//, ''), limits)) {
      let value: string;
      try {
        value = readFileSync(file.path, 'utf8').trim();
      } catch {
        return `the build cgroup ${file.path} is missing`;
      }
      // memory.limit_in_bytes reads back rounded to the page size; pids and CPU must match.
      if (!file.path.endsWith('memory.limit_in_bytes') && !file.path.endsWith('memory.max') && value !== file.value) {
        return `${file.path} holds ${value}, not ${file.value}`;
      }
    }
  }
  return null;
}

/**
 * Makes the slots' cgroups when this process may (`create`), then checks them: builds only run
 * when every slot holds the configured limits. Never throws: a problem is answered, for the
 * builder to refuse builds with and /health to show.
 */
export function ensureBuildCgroups(host: CgroupHost, limits: BuildCgroupLimits, create: boolean): BuildCgroupsStatus {
  const parents = Array.from({ length: limits.slots }, (_, slot) => cgroupParentOf(host, limits.instance, slot));
  if (create) {
    try {
      if (host.driver === 'systemd') writeSystemdSlices(parents, limits, host.version);
      else for (const parent of parents) writeCgroupfs(host, parent.replace(/^\//, ''), limits);
    } catch {
      // Not allowed here (not root): the check below says whether setup made them.
    }
  }
  const problem = checkLimits(host, parents, limits);
  if (problem !== null) {
    return { ok: false, problem: `Builds are switched off: their process and CPU limits are not in place (${problem}). Run "npm start" (its setup step, as root) or "tsx src/setup/main.ts start" as root, or start the launcher as root, so the build cgroups are made.` };
  }
  return { ok: true, parents, dirs: parents.map((parent) => cgroupDirOf(host, parent)) };
}

/** The build slots' cgroups of one launcher: made (when root) and checked before each new build. */
export class BuildCgroups {
  private host: Promise<CgroupHost> | undefined;

  constructor(private readonly hostOf: () => Promise<CgroupHost>, private readonly limits: BuildCgroupLimits) {}

  async status(): Promise<BuildCgroupsStatus> {
    this.host ??= this.hostOf();
    try {
      return ensureBuildCgroups(await this.host, this.limits, process.getuid?.() === 0);
    } catch (error) {
      this.host = undefined;
      return { ok: false, problem: `Builds are switched off: the Docker engine did not say how it runs cgroups (${(error as Error).message}).` };
    }
  }
}

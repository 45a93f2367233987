import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDockerEngine } from '../setup/host.js';

/** Processes that use the Docker engine and would break under a restart: test files, benchmarks, browser tests, a launcher. */
const dockerUsers = /\.test\.ts|(^|[\s/])bench\/|playwright|src\/main\.ts/;

function processes(): Array<{ pid: number; parent: number; name: string; cmdline: string }> {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (afterName[0] === 'Z') continue;
      found.push({
        pid: Number(entry),
        parent: Number(afterName[1]),
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function ancestorsOfThisProcess(all: ReturnType<typeof processes>): Set<number> {
  const parentOf = new Map(all.map((entry) => [entry.pid, entry.parent]));
  const ancestors = new Set<number>([process.pid]);
  for (let pid = process.ppid; pid > 1 && !ancestors.has(pid); pid = parentOf.get(pid) ?? 0) ancestors.add(pid);
  return ancestors;
}

/** Other processes using Docker now (not this test, not the runner that started it, nor their helpers). */
export function otherDockerUsers(): string[] {
  const all = processes();
  const ours = ancestorsOfThisProcess(all);
  const isOurs = (pid: number, depth = 0): boolean => ours.has(pid) || (depth < 5 && isOurs(all.find((entry) => entry.pid === pid)?.parent ?? 0, depth + 1));
  return all.filter((entry) => dockerUsers.test(entry.cmdline) && !isOurs(entry.pid)).map((entry) => `${entry.pid} ${entry.cmdline.slice(0, 120)}`);
}

/**
 * Waits until nothing else uses the Docker engine (several quiet looks in a row, since a test
 * runner starts its next file as soon as one ends), so a restart breaks nobody's run.
 */
async function waitUntilAlone(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let others: string[] = [];
  while (Date.now() < deadline) {
    others = otherDockerUsers();
    quiet = others.length === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    await sleep(1000);
  }
  throw new Error(`Not restarting the Docker engine: other processes still use it after ${timeoutMs / 1000} s:\n${others.join('\n')}`);
}

function livePids(name: string): number[] {
  return processes().filter((entry) => entry.name === name).map((entry) => entry.pid);
}

/**
 * Restarts the Docker engine for real, as a crash would: kill -9 of dockerd and its
 * containerd, then dockerd started again detached (setup's ensureDockerEngine), waiting until
 * it answers. Without live-restore, the containers that ran come back Exited.
 */
export async function restartDockerEngine(options: { waitForOthersMs?: number } = {}): Promise<void> {
  await waitUntilAlone(options.waitForOthersMs ?? 600_000);
  const killed = [...livePids('dockerd'), ...livePids('containerd')];
  if (killed.length === 0) throw new Error('No dockerd is running here: the engine cannot be restarted from this test.');
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while (killed.some((pid) => livePids('dockerd').includes(pid) || livePids('containerd').includes(pid))) {
    if (Date.now() > deadline) throw new Error('dockerd or containerd did not die after kill -9');
    await sleep(100);
  }
  await ensureDockerEngine();
}

/** Starts the engine again if it is down (e.g. a restart test failed halfway); does nothing when it answers. */
export function ensureDockerEngineIsBack(): Promise<void> {
  return ensureDockerEngine();
}

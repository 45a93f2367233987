import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootLauncher, launchSession } from '../src/testing/launcher-harness.js';
import { launchToTree, waitForPool } from './pool-helpers.js';
import { printTable, round, summarize } from './stats.js';

const execFileAsync = promisify(execFile);

export interface BenchOptions { quick: boolean; json: boolean }

/** Launches from a warm pool, one after another: each is a pool hit (the pool holds `runs`). */
async function poolHitLaunches(runs: number): Promise<number[]> {
  const harness = await bootLauncher({ pool: { size: runs }, capacity: { maxServers: runs + 5, maxServersPerIp: runs + 5 } });
  try {
    await waitForPool(harness.url, runs);
    await launchToTree(harness.url);
    await waitForPool(harness.url, runs);
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) times.push((await launchToTree(harness.url)).ms);
    return times;
  } finally {
    await harness.cleanup();
  }
}

/** Ten cold launches at once against ten plain `docker run`s at once: time until the last answers. */
async function tenAtOnce(image: string): Promise<{ dockerMs: number; launcherMs: number }> {
  const dockerStarted = performance.now();
  await Promise.all(Array.from({ length: 10 }, () => plainDockerRunAsync(image)));
  const dockerMs = performance.now() - dockerStarted;
  const harness = await bootLauncher({ capacity: { maxServers: 20, maxServersPerIp: 20 } });
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => launchToTree(harness.url)));
    return { dockerMs, launcherMs: performance.now() - started };
  } finally {
    await harness.cleanup();
  }
}

const pollMs = 50;

export async function waitForStatus(url: string, token: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      // A timer of our own (AbortSignal.timeout's is unref'd): a connection that Docker's port
      // proxy accepts before the server listens must not leave the process with nothing to wait on.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 1000);
      try {
        const response = await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` }, signal: abort.signal });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } finally {
        clearTimeout(timer);
      }
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

/** The floor, without blocking the event loop, so that several can run at once. */
async function plainDockerRunAsync(image: string): Promise<number> {
  const token = randomBytes(16).toString('hex');
  const started = performance.now();
  const { stdout } = await execFileAsync('docker', [
    'run', '-d', '--label', 'org.nblaunch.bench=floor', '-p', '127.0.0.1::8888', '-e', `JUPYTER_TOKEN=${token}`, image,
    'python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser', '--NotebookApp.base_url=/s/floor/',
  ]);
  const id = stdout.trim();
  try {
    const { stdout: ports } = await execFileAsync('docker', ['port', id, '8888/tcp']);
    await waitForStatus(`http://127.0.0.1:${ports.trim().split('\n')[0]!.split(':').pop()}/s/floor/`, token);
    return performance.now() - started;
  } finally {
    await execFileAsync('docker', ['rm', '-f', id]);
  }
}

/** The floor: a plain `docker run` of the same image, until its /api/status answers. */
export async function plainDockerRun(image: string): Promise<number> {
  const token = randomBytes(16).toString('hex');
  const started = performance.now();
  const id = execFileSync('docker', [
    'run', '-d', '--label', 'org.nblaunch.bench=floor', '-p', '127.0.0.1::8888', '-e', `JUPYTER_TOKEN=${token}`, image,
    'python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser', '--NotebookApp.base_url=/s/floor/',
  ], { encoding: 'utf8' }).trim();
  try {
    const port = execFileSync('docker', ['port', id, '8888/tcp'], { encoding: 'utf8' }).trim().split('\n')[0]!.split(':').pop();
    await waitForStatus(`http://127.0.0.1:${port}/s/floor/`, token);
    return performance.now() - started;
  } finally {
    execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
}

export async function benchLaunch(options: BenchOptions): Promise<Record<string, unknown>> {
  const runs = options.quick ? 4 : 12;
  const harness = await bootLauncher({ capacity: { maxServers: 50, maxServersPerIp: 50 } });
  const image = harness.config.image;
  const floor: number[] = [];
  const launcher: number[] = [];
  try {
    await plainDockerRun(image);
    for (let run = 0; run < runs; run += 1) {
      floor.push(await plainDockerRun(image));
      const started = performance.now();
      const session = await launchSession(harness.url);
      await waitForStatus(session.url, session.token);
      launcher.push(performance.now() - started);
      await fetch(`${harness.url}/api/sessions/${session.id}`, { method: 'DELETE', headers: { authorization: `token ${session.token}` } });
    }
  } finally {
    await harness.cleanup();
  }
  const poolHits = await poolHitLaunches(runs);
  const burst = await tenAtOnce(image);
  const floorStats = summarize(floor);
  const launchStats = summarize(launcher);
  const poolStats = summarize(poolHits);
  const result = {
    benchmark: 'launch',
    runs,
    floorP50Ms: round(floorStats.p50),
    floorP95Ms: round(floorStats.p95),
    launchP50Ms: round(launchStats.p50),
    launchP95Ms: round(launchStats.p95),
    launchVsFloorP50: round(launchStats.p50 / floorStats.p50, 3),
    launchVsFloorP95: round(launchStats.p95 / floorStats.p95, 3),
    poolHitP50Ms: round(poolStats.p50),
    poolHitP95Ms: round(poolStats.p95),
    poolHitVsFloorP50: round(poolStats.p50 / floorStats.p50, 4),
    tenDockerRunsAtOnceMs: round(burst.dockerMs),
    tenLaunchesAtOnceMs: round(burst.launcherMs),
    tenLaunchesVsTenDockerRuns: round(burst.launcherMs / burst.dockerMs, 3),
  };
  printTable([
    { what: 'docker run until /api/status answers (floor)', p50_ms: result.floorP50Ms, p95_ms: result.floorP95Ms, ratio: 1 },
    { what: 'POST /api/sessions until /api/status answers through the proxy', p50_ms: result.launchP50Ms, p95_ms: result.launchP95Ms, ratio: result.launchVsFloorP50 },
    { what: 'pool hit: POST /api/sessions until the tree page answers 200', p50_ms: result.poolHitP50Ms, p95_ms: result.poolHitP95Ms, ratio: result.poolHitVsFloorP50 },
  ]);
  printTable([
    { what: 'ten plain docker runs at once, until all answer', ms: result.tenDockerRunsAtOnceMs, ratio: 1 },
    { what: 'ten cold launches at once, until all answer', ms: result.tenLaunchesAtOnceMs, ratio: result.tenLaunchesVsTenDockerRuns },
  ]);
  return result;
}

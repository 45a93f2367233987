import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootLauncher, launchSession } from '../src/testing/launcher-harness.js';
import { printTable, round, summarize } from './stats.js';

export interface BenchOptions { quick: boolean; json: boolean }

const pollMs = 50;

export async function waitForStatus(url: string, token: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` }, signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
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
  const floorStats = summarize(floor);
  const launchStats = summarize(launcher);
  const result = {
    benchmark: 'launch',
    runs,
    floorP50Ms: round(floorStats.p50),
    floorP95Ms: round(floorStats.p95),
    launchP50Ms: round(launchStats.p50),
    launchP95Ms: round(launchStats.p95),
    launchVsFloorP50: round(launchStats.p50 / floorStats.p50, 3),
    launchVsFloorP95: round(launchStats.p95 / floorStats.p95, 3),
  };
  printTable([
    { what: 'docker run until /api/status answers (floor)', p50_ms: result.floorP50Ms, p95_ms: result.floorP95Ms, ratio: 1 },
    { what: 'POST /api/sessions until /api/status answers through the proxy', p50_ms: result.launchP50Ms, p95_ms: result.launchP95Ms, ratio: result.launchVsFloorP50 },
  ]);
  return result;
}

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBuildEvents } from '../src/testing/build-events-client.js';
import { GitHttpServer } from '../src/testing/git-http-server.js';
import { bootLauncher, launchSession, removeImagesWithPrefix, type Harness } from '../src/testing/launcher-harness.js';
import { makeSandboxPackageIndex } from '../src/testing/package-index.js';
import { DockerSandboxNetwork } from '../src/runtime/sandbox-network.js';
import type { BenchOptions } from './launch.js';
import { waitForStatus } from './launch.js';
import { printTable, round, summarize } from './stats.js';

/**
 * What issue 10's controls cost, measured in one run as ratios (the machine is shared and noisy):
 * - the notebook network: a plain `docker run` on the sandbox network against the same on
 *   Docker's default bridge;
 * - a cold launch through a launcher with every limit on (server disk watcher and quota, the
 *   sandbox network) against one with the limits off;
 * - a build with the build limits on (cgroup per slot: processes, CPU, memory; disk polling) on
 *   the sandbox network, against one with the limits off on the host's network.
 * Rounds alternate the two sides, so drift on the machine hits both alike.
 */
const floorLabel = 'org.nblaunch.bench=controls-floor';

function dockerRunUntilReady(image: string, network: string): Promise<number> {
  const token = randomBytes(16).toString('hex');
  const started = performance.now();
  const id = execFileSync('docker', [
    'run', '-d', '--label', floorLabel, '--network', network, '-p', '127.0.0.1::8888', '-e', `JUPYTER_TOKEN=${token}`, image,
    'python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser', '--NotebookApp.base_url=/s/floor/',
  ], { encoding: 'utf8' }).trim();
  const port = execFileSync('docker', ['port', id, '8888/tcp'], { encoding: 'utf8' }).trim().split('\n')[0]!.split(':').pop();
  return waitForStatus(`http://127.0.0.1:${port}/s/floor/`, token)
    .then(() => performance.now() - started)
    .finally(() => execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' }));
}

async function coldLaunch(harness: Harness): Promise<number> {
  const started = performance.now();
  const session = await launchSession(harness.url);
  await waitForStatus(session.url, session.token);
  const ms = performance.now() - started;
  await harness.launcher.deps.manager.end(session.id, 'deleted');
  return ms;
}

/** A build nothing is cached for: a postBuild that works the CPU, forks and writes, and pip from the index. */
async function freshBuild(git: GitHttpServer, harness: Harness, owner: string): Promise<number> {
  const nonce = randomBytes(6).toString('hex');
  await git.createRepo(`${owner}/r${nonce}`, {
    'requirements.txt': `# ${nonce}\nnblaunch-hello==1.0\n`,
    'postBuild': {
      content: '#!/bin/bash\nset -e\nfor i in $(seq 1 20); do (python3 -c "sum(range(200000))") & done; wait\n'
        + 'dd if=/dev/zero of=$HOME/.blob bs=1M count=50 status=none\nrm $HOME/.blob\n',
      mode: 0o755,
    },
  });
  const started = performance.now();
  const { events } = await readBuildEvents(`${harness.url}/build/gh/${owner}/r${nonce}/main?build_only=true`);
  if (events.at(-1)?.phase !== 'ready') throw new Error(`build ended with ${JSON.stringify(events.at(-1))}`);
  return performance.now() - started;
}

export async function benchControls(options: BenchOptions): Promise<Record<string, unknown>> {
  const launches = options.quick ? 4 : 10;
  const builds = options.quick ? 2 : 4;
  const work = mkdtempSync(join(tmpdir(), 'nblaunch-bench-controls-'));
  const git = await GitHttpServer.start();
  const instanceOn = `bench-ctl-on-${randomBytes(3).toString('hex')}`;
  const prefix = `nblaunch-bench-ctl-${randomBytes(3).toString('hex')}/`;
  const instanceWide = `bench-ctl-wide-${randomBytes(3).toString('hex')}`;
  const index = await makeSandboxPackageIndex(work, 'nblaunch/base:latest', 'bench', instanceOn);
  const wideIndex = await makeSandboxPackageIndex(join(work, 'wide'), 'nblaunch/base:latest', 'bench', instanceWide);
  const common = {
    git: { allowHttpHosts: [git.host], refCacheSeconds: 0 }, repos: { githubUrl: git.baseUrl },
    capacity: { maxServers: 20, maxServersPerIp: 20 },
  };
  const on = await bootLauncher({ ...common, instance: instanceOn, network: { allow: [index.allow] }, build: { imagePrefix: prefix, pipIndexUrl: index.url } });
  // The same limits with the CPU cap as wide as the machine: what the mechanism costs, apart from the cap's effect.
  const wide = await bootLauncher({
    ...common, instance: instanceWide, network: { allow: [wideIndex.allow] },
    build: { imagePrefix: prefix, pipIndexUrl: wideIndex.url, cpus: cpus().length },
  });
  const off = await bootLauncher({
    ...common,
    build: { imagePrefix: prefix, pipIndexUrl: index.url, network: 'host', pids: 0, cpus: 0, maxDiskMb: 0 },
    server: { diskMb: 0 },
  });
  const sandbox = await new DockerSandboxNetwork(instanceOn).ensure();
  const floorBridge: number[] = [];
  const floorSandbox: number[] = [];
  const launchOn: number[] = [];
  const launchOff: number[] = [];
  const buildOn: number[] = [];
  const buildOff: number[] = [];
  const buildWide: number[] = [];
  try {
    await dockerRunUntilReady(on.config.image, 'bridge');
    for (let round = 0; round < launches; round += 1) {
      floorBridge.push(await dockerRunUntilReady(on.config.image, 'bridge'));
      floorSandbox.push(await dockerRunUntilReady(on.config.image, sandbox.name));
      launchOn.push(await coldLaunch(on));
      launchOff.push(await coldLaunch(off));
    }
    for (let round = 0; round < builds; round += 1) {
      buildOn.push(await freshBuild(git, on, 'on'));
      buildOff.push(await freshBuild(git, off, 'off'));
      buildWide.push(await freshBuild(git, wide, 'wide'));
    }
  } finally {
    await on.cleanup();
    await off.cleanup();
    await wide.cleanup();
    await wideIndex.close();
    await git.stop();
    await index.close();
    removeImagesWithPrefix(prefix);
    rmSync(work, { recursive: true, force: true });
  }
  const s = {
    floorBridge: summarize(floorBridge), floorSandbox: summarize(floorSandbox),
    launchOn: summarize(launchOn), launchOff: summarize(launchOff),
    buildOn: summarize(buildOn), buildOff: summarize(buildOff), buildWide: summarize(buildWide),
  };
  const result = {
    benchmark: 'controls',
    launches,
    builds,
    floorBridgeP50Ms: round(s.floorBridge.p50),
    floorSandboxP50Ms: round(s.floorSandbox.p50),
    sandboxNetworkVsBridgeP50: round(s.floorSandbox.p50 / s.floorBridge.p50, 3),
    launchLimitsOnP50Ms: round(s.launchOn.p50),
    launchLimitsOffP50Ms: round(s.launchOff.p50),
    launchOnVsOffP50: round(s.launchOn.p50 / s.launchOff.p50, 3),
    buildLimitsOnP50Ms: round(s.buildOn.p50),
    buildLimitsOffP50Ms: round(s.buildOff.p50),
    buildOnVsOffP50: round(s.buildOn.p50 / s.buildOff.p50, 3),
    buildLimitsAllCoresP50Ms: round(s.buildWide.p50),
    buildAllCoresVsOffP50: round(s.buildWide.p50 / s.buildOff.p50, 3),
  };
  printTable([
    { what: 'docker run until ready, default bridge', p50_ms: result.floorBridgeP50Ms, p95_ms: round(s.floorBridge.p95), ratio: 1 },
    { what: 'docker run until ready, notebook network', p50_ms: result.floorSandboxP50Ms, p95_ms: round(s.floorSandbox.p95), ratio: result.sandboxNetworkVsBridgeP50 },
    { what: 'cold launch, limits off', p50_ms: result.launchLimitsOffP50Ms, p95_ms: round(s.launchOff.p95), ratio: 1 },
    { what: 'cold launch, limits on', p50_ms: result.launchLimitsOnP50Ms, p95_ms: round(s.launchOn.p95), ratio: result.launchOnVsOffP50 },
    { what: 'fresh build, limits off, host network', p50_ms: result.buildLimitsOffP50Ms, p95_ms: round(s.buildOff.p95), ratio: 1 },
    { what: 'fresh build, limits on, notebook network', p50_ms: result.buildLimitsOnP50Ms, p95_ms: round(s.buildOn.p95), ratio: result.buildOnVsOffP50 },
    { what: `fresh build, limits on, CPU cap ${cpus().length} cores`, p50_ms: result.buildLimitsAllCoresP50Ms, p95_ms: round(s.buildWide.p95), ratio: result.buildAllCoresVsOffP50 },
  ]);
  return result;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBuildEvents } from '../src/testing/build-events-client.js';
import { GitHttpServer } from '../src/testing/git-http-server.js';
import { bootLauncher, launchSession, removeImagesWithPrefix } from '../src/testing/launcher-harness.js';
import { makeLocalPackageIndex } from '../src/testing/package-index.js';
import type { BenchOptions } from './launch.js';
import { plainDockerRun, waitForStatus } from './launch.js';
import { printTable, round, summarize } from './stats.js';

const smallDebianPackages = ['jq', 'bc', 'tree', 'file', 'less', 'zip', 'unzip', 'rsync', 'sl', 'cowsay', 'figlet', 'units', 'dos2unix', 'pv'];

const notebook = (text: string) => JSON.stringify({ cells: [{ cell_type: 'markdown', metadata: {}, source: [text] }], metadata: {}, nbformat: 4, nbformat_minor: 5 });

/** Milliseconds from opening the event stream to its `ready` event. */
async function timeToReady(url: string): Promise<number> {
  const started = performance.now();
  const { events } = await readBuildEvents(url);
  const last = events.at(-1);
  if (last?.phase !== 'ready') throw new Error(`build stream ended with ${JSON.stringify(last)}`);
  return performance.now() - started;
}

async function timeToBuild(url: string): Promise<number> {
  const started = performance.now();
  const { events } = await readBuildEvents(url);
  if (events.at(-1)?.phase !== 'ready' || !events.some((event) => event.phase === 'building')) {
    throw new Error(`expected a build, got ${JSON.stringify(events.map((event) => event.phase))}`);
  }
  return performance.now() - started;
}

export async function benchBuild(options: BenchOptions): Promise<Record<string, unknown>> {
  const runs = options.quick ? 4 : 10;
  const work = mkdtempSync(join(tmpdir(), 'nblaunch-bench-build-'));
  const git = await GitHttpServer.start();
  const index = await makeLocalPackageIndex(work, 'nblaunch/base:latest', 'bench');
  const prefix = `nblaunch-bench-${randomBytes(3).toString('hex')}/`;
  const harness = await bootLauncher({
    git: { allowHttpHosts: [git.host], refCacheSeconds: 0 }, repos: { githubUrl: git.baseUrl },
    build: { imagePrefix: prefix, network: 'host', pipIndexUrl: index.url },
    capacity: { maxServers: 50, maxServersPerIp: 50 },
  });
  const floor: number[] = [];
  const launch: number[] = [];
  const cached: number[] = [];
  let fullBuildMs = 0;
  let rebuildMs = 0;
  let aptChoice = '';
  try {
    // A repo whose dependency layers are new to this engine: a random choice of small Debian
    // packages makes an apt step no earlier build cached, and a nonce does the same for pip's.
    const nonce = randomBytes(6).toString('hex');
    const aptPackages = smallDebianPackages.filter(() => Math.random() < 0.5).slice(0, 4);
    if (aptPackages.length < 2) aptPackages.push('jq', 'bc');
    aptChoice = aptPackages.join(' ');
    const repo = await git.createRepo('bench/talk', {
      'apt.txt': `${aptPackages.join('\n')}\n`,
      'requirements.txt': `# bench run ${nonce}\nnblaunch-hello==1.0\n`,
      'postBuild': { content: '#!/bin/bash\necho post-build-done > ~/.post-build\n', mode: 0o755 },
      'talk.ipynb': notebook('first version'),
    });
    fullBuildMs = await timeToBuild(`${harness.url}/build/gh/bench/talk/main?build_only=true`);
    await repo.commit({ 'talk.ipynb': notebook('second version: only the notebook changed') });
    rebuildMs = await timeToBuild(`${harness.url}/build/gh/bench/talk/main?build_only=true`);

    await plainDockerRun(harness.config.image);
    for (let run = 0; run < runs; run += 1) {
      floor.push(await plainDockerRun(harness.config.image));
      const started = performance.now();
      const session = await launchSession(harness.url);
      await waitForStatus(session.url, session.token);
      launch.push(performance.now() - started);
      cached.push(await timeToReady(`${harness.url}/build/gh/bench/talk/main`));
      for (const id of await harness.launcher.deps.sessions.list()) await harness.launcher.deps.manager.end(id.id, 'deleted');
    }
  } finally {
    await harness.cleanup();
    await git.stop();
    await index.close();
    removeImagesWithPrefix(prefix);
    rmSync(work, { recursive: true, force: true });
  }
  const floorStats = summarize(floor);
  const launchStats = summarize(launch);
  const cachedStats = summarize(cached);
  const result = {
    benchmark: 'build',
    runs,
    floorP50Ms: round(floorStats.p50),
    launchP50Ms: round(launchStats.p50),
    cachedReadyP50Ms: round(cachedStats.p50),
    cachedReadyP95Ms: round(cachedStats.p95),
    cachedVsFloorP50: round(cachedStats.p50 / floorStats.p50, 3),
    cacheCheckOverheadP50Ms: round(cachedStats.p50 - launchStats.p50),
    fullBuildMs: round(fullBuildMs),
    notebookOnlyRebuildMs: round(rebuildMs),
    rebuildVsFullBuild: round(rebuildMs / fullBuildMs, 3),
  };
  printTable([
    { what: 'docker run until /api/status answers (floor)', p50_ms: result.floorP50Ms, p95_ms: round(floorStats.p95), ratio: 1 },
    { what: 'POST /api/sessions, ready through the proxy', p50_ms: result.launchP50Ms, p95_ms: round(launchStats.p95), ratio: round(launchStats.p50 / floorStats.p50, 3) },
    { what: '/build/gh/... of a built image until ready', p50_ms: result.cachedReadyP50Ms, p95_ms: result.cachedReadyP95Ms, ratio: result.cachedVsFloorP50 },
  ]);
  console.log(`\nref resolution + cache check over a plain launch (p50): ${result.cacheCheckOverheadP50Ms} ms`);
  printTable([
    { build: `first build (apt: ${aptChoice}; pip from a local index)`, ms: result.fullBuildMs, ratio: 1 },
    { build: 'rebuild after a commit that changes only a notebook', ms: result.notebookOnlyRebuildMs, ratio: result.rebuildVsFullBuild },
  ]);
  return result;
}

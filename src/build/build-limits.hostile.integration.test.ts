import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageExists } from '../setup/host.js';
import { containersInCgroup } from '../runtime/build-cgroups.js';
import { readBuildEvents } from '../testing/build-events-client.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';

const executable = (content: string) => ({ content, mode: 0o755 });
const pids = 48;
const maxDiskMb = 64;
const cgroupRoot = '/sys/fs/cgroup';

/** Samples `sample` every 100 ms until `done` settles; answers the samples. */
async function sampleWhile<T>(done: Promise<unknown>, sample: () => T): Promise<T[]> {
  const samples: T[] = [];
  let finished = false;
  void done.finally(() => { finished = true; });
  while (!finished) {
    samples.push(sample());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return samples;
}

/** Builds are untrusted code: a fork bomb or a disk filler in a postBuild must hit a limit, not the host. */
describe('hostile repos: build process and disk limits', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let instance: string;
  let slotDir: string;

  before(async () => {
    const info = execFileSync('docker', ['info', '--format', '{{.CgroupVersion}} {{.CgroupDriver}}'], { encoding: 'utf8' }).trim();
    assert.equal(info, '1 cgroupfs', 'these tests read the build cgroup the way the engine on this machine lays it out');
    instance = `hbuild-${Math.random().toString(36).slice(2, 8)}`;
    launched = await bootLauncherWithGit({ instance, build: { pids, maxDiskMb, diskCheckSeconds: 0.5, timeoutSeconds: 120, maxConcurrent: 1 } });
    ({ git, harness } = launched);
    slotDir = join(cgroupRoot, 'pids', 'nblaunch-builds', instance, 'slot-0');
  });
  after(async () => {
    await launched?.cleanup();
    assert.equal(existsSync(join(cgroupRoot, 'pids', 'nblaunch-builds', instance)), false, 'the test launcher\'s build cgroups are removed');
  });

  it('makes the build slot\'s cgroup with the configured limits and says so on /health', async () => {
    const health = await fetch(`${harness.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual((await health.json() as { checks: { builds: unknown } }).checks.builds, { ok: true });
    assert.equal(readFileSync(join(slotDir, 'pids.max'), 'utf8').trim(), String(pids));
    assert.equal(readFileSync(join(cgroupRoot, 'cpu', 'nblaunch-builds', instance, 'slot-0', 'cpu.cfs_quota_us'), 'utf8').trim(), '100000');
  });

  it('caps a fork bomb in a postBuild at build.pids processes, and the launcher keeps answering', async () => {
    await git.createRepo('evil/fork-bomb', { postBuild: executable('#!/bin/bash\nfor i in $(seq 1 150); do sleep 3 & done\nwait\necho bomb-over\n') });
    const build = readBuildEvents(`${harness.url}/build/gh/evil/fork-bomb/main?build_only=true`);
    const samples = await sampleWhile(build, () => ({
      current: existsSync(join(slotDir, 'pids.current')) ? Number(readFileSync(join(slotDir, 'pids.current'), 'utf8')) : 0,
    }));
    const { events } = await build;
    const last = events.at(-1)!;
    assert.ok(['ready', 'failed'].includes(last.phase), JSON.stringify(last));
    const most = Math.max(...samples.map((sample) => sample.current));
    assert.ok(most > pids / 2, `the bomb ran in the build cgroup (most processes seen: ${most})`);
    assert.ok(most <= pids, `at most ${pids} processes (seen ${most})`);
    assert.ok(events.some((event) => /fork: .*Resource temporarily unavailable/.test(event.message)), 'forks were refused at the limit');
    assert.equal((await fetch(`${harness.url}/health`)).status, 200);
    assert.deepEqual(containersInCgroup(slotDir), [], 'no build container is left running');
  });

  it('stops a postBuild that writes without end with the disk error, leaving no container and no image', async () => {
    await git.createRepo('evil/disk-filler', { postBuild: executable('#!/bin/bash\ni=0\nwhile true; do head -c 4M /dev/zero > "fill-$i"; i=$((i + 1)); done\n') });
    const build = readBuildEvents(`${harness.url}/build/gh/evil/disk-filler/main?build_only=true`);
    const seen = new Set((await sampleWhile(build, () => containersInCgroup(slotDir))).flat());
    const { events } = await build;
    const last = events.at(-1)!;
    assert.deepEqual([last.phase, last.reason], ['failed', 'build-disk-limit'], JSON.stringify(last));
    assert.match(last.message, new RegExp(`wrote more than ${maxDiskMb} MiB`));
    assert.ok(seen.size > 0, 'the RUN step was seen in the build cgroup');
    for (const id of seen) assert.throws(() => execFileSync('docker', ['inspect', id], { stdio: 'ignore' }), `container ${id} is gone`);
    const { imageName } = await (await fetch(`${harness.url}/api/build-plan/gh/evil/disk-filler/main`)).json() as { imageName: string };
    assert.equal(imageExists(imageName), false);
  });

  it('stops one file larger than the limit (fsize) with the disk error', async () => {
    await git.createRepo('evil/one-big-file', { postBuild: executable('#!/bin/bash\nyes > big\n') });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/evil/one-big-file/main?build_only=true`);
    const last = events.at(-1)!;
    assert.deepEqual([last.phase, last.reason], ['failed', 'build-disk-limit'], JSON.stringify(last));
    assert.deepEqual(containersInCgroup(slotDir), []);
  });
});

describe('hostile repos: a build past its time limit', () => {
  let launched: GitBackedHarness | undefined;
  let instance: string;

  before(async () => {
    instance = `hbuild-${Math.random().toString(36).slice(2, 8)}`;
    launched = await bootLauncherWithGit({ instance, build: { pids, timeoutSeconds: 15, maxConcurrent: 1 } });
  });
  after(() => launched?.cleanup());

  it('stops the RUN step\'s container when the build times out', async () => {
    const { git, harness } = launched!;
    const slot = join(cgroupRoot, 'pids', 'nblaunch-builds', instance, 'slot-0');
    await git.createRepo('evil/sleeper', { postBuild: executable('#!/bin/bash\necho sleeping\nsleep 600\n') });
    const build = readBuildEvents(`${harness.url}/build/gh/evil/sleeper/main?build_only=true`);
    const seen = new Set((await sampleWhile(build, () => containersInCgroup(slot))).flat());
    const last = (await build).events.at(-1)!;
    assert.deepEqual([last.phase, last.reason], ['failed', 'build-timeout'], JSON.stringify(last));
    assert.ok(seen.size > 0, 'the RUN step was seen in the build cgroup');
    assert.deepEqual(containersInCgroup(slot), []);
    for (const id of seen) assert.throws(() => execFileSync('docker', ['inspect', id], { stdio: 'ignore' }), `container ${id} is gone`);
  });
});

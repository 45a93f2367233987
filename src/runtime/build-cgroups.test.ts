import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cgroupDirOf, cgroupParentOf, containersInCgroup, ensureBuildCgroups, type CgroupHost } from './build-cgroups.js';

const limits = { instance: 'demo', slots: 2, pids: 64, cpus: 1.5, memoryMb: 256 };

describe('build cgroups', () => {
  it('makes cgroup v1 slots with pids.max, a CPU quota and a memory limit, and checks them', () => {
    const root = mkdtempSync(join(tmpdir(), 'hbuild-cgroup-'));
    try {
      const host: CgroupHost = { version: 1, driver: 'cgroupfs', root };
      const status = ensureBuildCgroups(host, limits, true);
      assert.deepEqual(status, { ok: true, parents: ['/nblaunch-builds/demo/slot-0', '/nblaunch-builds/demo/slot-1'], dirs: [join(root, 'pids/nblaunch-builds/demo/slot-0'), join(root, 'pids/nblaunch-builds/demo/slot-1')] });
      assert.equal(readFileSync(join(root, 'pids/nblaunch-builds/demo/slot-1/pids.max'), 'utf8'), '64');
      assert.equal(readFileSync(join(root, 'cpu/nblaunch-builds/demo/slot-1/cpu.cfs_quota_us'), 'utf8'), '150000');
      writeFileSync(join(root, 'pids/nblaunch-builds/demo/slot-1/pids.max'), 'max');
      const changed = ensureBuildCgroups(host, limits, false);
      assert.equal(changed.ok, false);
      assert.match((changed as { problem: string }).problem, /^Builds are switched off: .*pids\.max holds max, not 64/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses when the slots are missing and may not be made', () => {
    const status = ensureBuildCgroups({ version: 2, driver: 'cgroupfs', root: join(tmpdir(), 'hbuild-no-such-cgroup') }, limits, false);
    assert.equal(status.ok, false);
    assert.match((status as { problem: string }).problem, /is missing.*as root/);
  });

  it('names slots for the systemd driver and finds containers in a slot', () => {
    const host: CgroupHost = { version: 2, driver: 'systemd', root: '/sys/fs/cgroup' };
    assert.equal(cgroupParentOf(host, 'demo', 1), 'nblaunch-builds-demo-1.slice');
    assert.equal(cgroupDirOf(host, 'nblaunch-builds-demo-1.slice'), '/sys/fs/cgroup/nblaunch.slice/nblaunch-builds.slice/nblaunch-builds-demo.slice/nblaunch-builds-demo-1.slice');
    const dir = mkdtempSync(join(tmpdir(), 'hbuild-slot-'));
    const id = 'a'.repeat(64);
    mkdirSync(join(dir, `docker-${id}.scope`));
    mkdirSync(join(dir, 'b'.repeat(64)));
    writeFileSync(join(dir, 'pids.max'), '64');
    assert.deepEqual(containersInCgroup(dir).sort(), [id, 'b'.repeat(64)]);
    rmSync(dir, { recursive: true, force: true });
  });
});

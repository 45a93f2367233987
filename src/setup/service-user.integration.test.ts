import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeBuildCgroupsOf, removeContainersOf, removeSandboxOf } from '../testing/launcher-harness.js';
import { dropToServiceUser, lookUpUser, ServiceUserError } from './service-user.js';

const serviceUser = 'nblaunch';

/** The real, effective, saved and filesystem uids of a process (`Uid:` in /proc/<pid>/status). */
function uidsOf(pid: number): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((row) => row.startsWith('Uid:'));
  return (line ?? '').split(/\s+/).slice(1).filter(Boolean).map(Number);
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited (${code}) before printing ${pattern}; output:\n${seen}`));
    });
  });
}

describe('the launcher started as root runs as the service user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-runas-'));
  const instance = `lead-runas-${Math.random().toString(36).slice(2, 8)}`;
  let launcher: ChildProcess | undefined;
  const settings = { NBLAUNCH_DATA_DIR: dataDir, PORT: '0', NBLAUNCH_HOST: '127.0.0.1', NBLAUNCH_INSTANCE: instance, NBLAUNCH_LOG_LEVEL: 'warn' };

  before(() => {
    assert.equal(process.getuid?.(), 0, 'the test command runs as root (it prepares the host)');
    // What `npm start` runs first, as root: the user, its data directory, and what only root can
    // make for this instance (the notebook network's firewall, the build cgroups).
    const setup = spawnSync(process.execPath, ['--import', 'tsx', 'src/setup/main.ts', 'start'], { env: { ...process.env, ...settings }, encoding: 'utf8' });
    assert.equal(setup.status, 0, `setup failed:\n${setup.stdout}\n${setup.stderr}`);
  });

  after(async () => {
    if (launcher && launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher!.once('exit', resolve));
      launcher.kill('SIGTERM');
      await exited;
    }
    removeContainersOf(instance);
    removeBuildCgroupsOf(instance);
    await removeSandboxOf(instance);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('setup (as npm start runs it) made the account, put it in the docker group and gave it the data directory', () => {
    const account = lookUpUser(serviceUser);
    assert.ok(account, 'the service user exists');
    assert.notEqual(account.uid, 0);
    assert.equal(statSync(dataDir).uid, account.uid);
  });

  test('the launcher, its private Redis and its Docker access work without root', async () => {
    const account = lookUpUser(serviceUser)!;
    launcher = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...settings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [, url] = await waitForLine(launcher, /nblaunch is ready at (http:\/\/\S+)/, 60_000);
    assert.deepEqual(uidsOf(launcher.pid!), [account.uid, account.uid, account.uid, account.uid], 'no uid of the launcher is root');
    const redis = childPids(launcher.pid!).filter((pid) => /redis-server/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
    assert.equal(redis.length, 1, 'the private redis-server is the launcher\'s child');
    assert.equal(uidsOf(redis[0]!)[0], account.uid);

    const health = await fetch(`${url}/health`);
    const body = await health.json() as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(health.status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ok');
  });

  test('launcher files the account cannot read are a clear refusal, and the process stays as it was', () => {
    const secret = join(dataDir, '..', `nblaunch-runas-private-${process.pid}`);
    writeFileSync(secret, 'root only', { mode: 0o600 });
    try {
      assert.throws(() => dropToServiceUser(serviceUser, [{ path: secret, need: 'read' }]), (error: unknown) =>
        error instanceof ServiceUserError && error.message.includes(`cannot read ${secret}`) && /Put the checkout where nblaunch can read it/.test(error.message));
      assert.equal(process.getuid?.(), 0);
      assert.equal(process.geteuid?.(), 0);
    } finally {
      rmSync(secret, { force: true });
    }
  });

  test('a missing account is a clear refusal, not a root launcher', () => {
    assert.throws(() => dropToServiceUser('nblaunch-nobody-here'), (error: unknown) =>
      error instanceof ServiceUserError && /no such user/.test(error.message) && /runAsUser/.test(error.message));
    assert.equal(process.getuid?.(), 0, 'the refusal changed nothing');
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { redisAnswers } from '../store/embedded-redis.js';
import { bootLauncher, eventually, launchSession, type Harness } from '../testing/launcher-harness.js';

describe('two launcher processes sharing one Redis', () => {
  let dir: string;
  let redis: ChildProcess;
  let first: Harness;
  let second: Harness;
  let instance: string;
  let socket: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nblaunch-shared-'));
    socket = join(dir, 'redis.sock');
    redis = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--dir', dir, '--save', ''], { stdio: 'ignore' });
    await eventually(async () => ((await redisAnswers(socket)) ? true : undefined), 10_000, 'redis-server');
    instance = `hsignin-shared-${Math.random().toString(36).slice(2, 8)}`;
    // Both read the tokens the other sealed: one key file for both.
    const auth = { secretKeyFile: join(dir, 'secret.key') };
    first = await bootLauncher({ redisUrl: `unix://${socket}`, instance, auth });
    second = await bootLauncher({ redisUrl: `unix://${socket}`, instance, auth });
  });

  after(async () => {
    await second?.cleanup();
    await first?.cleanup();
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the in-memory route table of one process in step with routes another adds and removes', async () => {
    const session = await launchSession(first.url);
    await eventually(async () => second.launcher.deps.routes.peek(session.id), 10_000, 'the route to reach the other process');
    const throughSecond = session.url.replace(first.url, second.url);
    const status = await fetch(`${throughSecond}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(status.status, 200);

    const deleted = await fetch(`${second.url}/api/sessions/${session.id}`, { method: 'DELETE', headers: { authorization: `token ${session.token}` } });
    assert.equal(deleted.status, 204);
    await eventually(async () => (first.launcher.deps.routes.peek(session.id) === undefined ? true : undefined), 10_000, 'the removal to reach the first process');
    const gone = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(gone.status, 410);
  });

  it('refuses to start a third launcher whose secret key differs: it could not read the tokens the others stored', async () => {
    await assert.rejects(bootLauncher({ redisUrl: `unix://${socket}`, instance, auth: { secretKeyFile: join(dir, 'another.key') } }), /secret key/);
  });
});

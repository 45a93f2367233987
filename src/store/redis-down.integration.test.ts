import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, eventually, launchSession, type Harness } from '../testing/launcher-harness.js';
import { redisAnswers } from './embedded-redis.js';

async function startRedis(dir: string): Promise<ChildProcess> {
  const socket = join(dir, 'external.sock');
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  await eventually(async () => ((await redisAnswers(socket)) ? true : undefined), 10_000, 'redis-server to answer');
  return child;
}

describe('Redis going away', () => {
  let harness: Harness;
  let redis: ChildProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nblaunch-redis-'));
    redis = await startRedis(dir);
    harness = await bootLauncher({ redisUrl: `unix://${join(dir, 'external.sock')}` });
  });
  after(async () => {
    redis.kill('SIGKILL');
    await harness.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with a clear message, keeps serving, and recovers when Redis is back', async () => {
    const session = await launchSession(harness.url);
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));

    const health = await fetch(`${harness.url}/health`);
    assert.equal(health.status, 503);
    const report = await health.json() as { message: string; checks: { redis: { ok: boolean }; docker: { ok: boolean } } };
    assert.equal(report.checks.redis.ok, false);
    assert.equal(report.checks.docker.ok, true);
    assert.match(report.message, /redis/);

    const launch = await fetch(`${harness.url}/api/sessions`, { method: 'POST' });
    assert.equal(launch.status, 503);
    const body = await launch.json() as { reason: string; message: string };
    assert.equal(body.reason, 'store-unavailable');
    assert.match(body.message, /session store \(Redis\) is not reachable/);

    const page = await fetch(`${harness.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 503);
    assert.match(await page.text(), /Redis/);

    // A route the proxy already knows keeps working without Redis.
    const proxied = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
    assert.equal(proxied.status, 200);

    redis = await startRedis(dir);
    await eventually(async () => ((await fetch(`${harness.url}/health`)).status === 200 ? true : undefined), 20_000, 'health to recover');
    assert.notEqual(await harness.launcher.deps.sessions.get(session.id), null);
  });
});

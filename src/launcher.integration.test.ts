import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from './config/load.js';
import { startLauncher } from './launcher.js';
import { silentLogger } from './log/testing.js';
import { redisAnswers } from './store/embedded-redis.js';
import { removeSandboxOf } from './testing/launcher-harness.js';

function redisServersOn(socketPath: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => line.includes('redis-server') && line.includes(socketPath))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('a launcher that cannot start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-start-fail-'));
  let taken: Server | undefined;

  const instance = `lead-fail-${process.pid}`;

  after(async () => {
    taken?.close();
    await removeSandboxOf(instance);
    for (const pid of redisServersOn(join(dataDir, 'redis', 'redis.sock'))) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no private redis-server behind when its port is taken', async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken!.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const config = loadConfig({ env: {}, overrides: { port, host: '127.0.0.1', dataDir, instance, logLevel: 'silent' } });
    await assert.rejects(startLauncher(config, { logger: silentLogger(), print: () => undefined }), (error: Error) => {
      assert.equal(error.message, `port ${port} on 127.0.0.1 is already in use (another nblaunch, or another program). Stop it, or choose another port with PORT or the port setting.`);
      return true;
    });
    const socket = join(dataDir, 'redis', 'redis.sock');
    assert.deepEqual(redisServersOn(socket), []);
    assert.equal(await redisAnswers(socket), false);
  });
});

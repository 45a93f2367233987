import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { silentLogger } from '../log/testing.js';
import { eventually } from '../testing/launcher-harness.js';
import { EmbeddedRedis, redisAnswers } from './embedded-redis.js';
import { connectRedis, type RedisClient } from './redis-connection.js';

const testTimeout = { timeout: 30_000 };

async function serverPid(client: RedisClient): Promise<number> {
  const match = /process_id:(\d+)/.exec(await client.info('server'));
  assert.ok(match, 'INFO server has a process_id');
  return Number(match[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the redis-server processes serving this socket (redis-server shows it in its title). */
function serversOn(socketPath: string): number[] {
  const output = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return output.split('\n')
    .filter((line) => line.includes('redis-server') && line.includes(socketPath))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** A redis-server nobody supervises, as a launcher killed with -9 leaves it: daemonized, not our child. */
async function forgottenServer(dataDir: string): Promise<number> {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = join(dir, 'redis.sock');
  execFileSync('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'yes']);
  const [pid] = await eventually(async () => {
    const pids = serversOn(socket);
    return pids.length === 1 && await redisAnswers(socket) ? pids : undefined;
  }, 10_000, 'the forgotten redis-server');
  return pid!;
}

/** A real logger whose messages are kept, to see what EmbeddedRedis did in the background. */
function recordingLogger() {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { msg: string; output?: string; err?: string };
        messages.push([entry.msg, entry.output, entry.err].filter(Boolean).join(': '));
      }
      done();
    },
  });
  return { logger: createLogger('info', sink), messages };
}

describe('EmbeddedRedis with a real redis-server', () => {
  const dataDirs: string[] = [];
  const servers: EmbeddedRedis[] = [];
  const clients: RedisClient[] = [];

  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'nblaunch-er-it-'));
    dataDirs.push(dir);
    return dir;
  };
  const embedded = (dataDir: string, binary?: string, logger = silentLogger(), adopt = true) => {
    // Short waits between restarts, so that a server dying again and again is quick to test.
    const server = new EmbeddedRedis(dataDir, logger, { adopt, restartDelaysMs: [0, 100, 300, 600], ...(binary ? { binary } : {}) });
    servers.push(server);
    return server;
  };
  const connect = async (server: EmbeddedRedis) => {
    const client = await connectRedis(server.url, silentLogger());
    clients.push(client);
    return client;
  };

  after(async () => {
    for (const client of clients) client.destroy();
    for (const server of servers) await server.stop().catch(() => undefined);
    // Whatever a failed test left running on one of our sockets goes too.
    for (const dir of dataDirs) {
      for (const pid of serversOn(join(dir, 'redis', 'redis.sock'))) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a private redis-server on a unix socket under <dataDir>/redis with the append-only file on, and stop() ends it', testTimeout, async () => {
    const dataDir = newDataDir();
    const server = embedded(dataDir);
    await server.start();
    assert.equal(server.socketPath, join(dataDir, 'redis', 'redis.sock'));
    assert.equal(server.url, `unix://${server.socketPath}`);
    assert.ok(statSync(server.socketPath).isSocket());
    assert.equal(statSync(join(dataDir, 'redis')).mode & 0o777, 0o700);

    const client = await connect(server);
    assert.deepEqual(await client.configGet('appendonly'), { appendonly: 'yes' });
    assert.deepEqual(await client.configGet('dir'), { dir: join(dataDir, 'redis') });
    assert.deepEqual(await client.configGet('port'), { port: '0' });
    await client.set('written', 'yes');
    // Redis 7 keeps the append-only files in appendonlydir/, older ones in appendonly.aof.
    const files = readdirSync(join(dataDir, 'redis'));
    assert.ok(files.includes('appendonlydir') || files.includes('appendonly.aof'), `append-only file in ${files.join(', ')}`);

    const pid = await serverPid(client);
    assert.deepEqual(serversOn(server.socketPath), [pid]);
    client.destroy();
    const stopStarted = Date.now();
    await server.stop();
    assert.ok(Date.now() - stopStarted < 3000, 'redis-server stops promptly on SIGTERM');
    assert.equal(await redisAnswers(server.socketPath), false);
    assert.equal(alive(pid), false, 'the redis-server process is gone');
    assert.equal(existsSync(server.socketPath), false, 'redis-server removed its socket on a clean shutdown');
  });

  it('keeps data written before stop() for the next EmbeddedRedis on the same data directory', testTimeout, async () => {
    const dataDir = newDataDir();
    const first = embedded(dataDir);
    await first.start();
    const before = await connect(first);
    await before.set('session:abc', 'kept');
    await before.hSet('routes', { abc: '127.0.0.1:1234' });
    const firstPid = await serverPid(before);
    before.destroy();
    await first.stop();

    const second = embedded(dataDir);
    await second.start();
    const afterRestart = await connect(second);
    assert.notEqual(await serverPid(afterRestart), firstPid, 'a new redis-server, not the stopped one');
    assert.equal(await afterRestart.get('session:abc'), 'kept');
    assert.deepEqual({ ...await afterRestart.hGetAll('routes') }, { abc: '127.0.0.1:1234' });
    afterRestart.destroy();
    await second.stop();
    assert.equal(await redisAnswers(second.socketPath), false);
  });

  it('restarts the redis-server when it is killed, with the data still there', testTimeout, async () => {
    const dataDir = newDataDir();
    const server = embedded(dataDir);
    await server.start();
    const client = await connect(server);
    await client.set('survives', 'kill -9');
    const killedPid = await serverPid(client);

    process.kill(killedPid, 'SIGKILL');
    await eventually(async () => (alive(killedPid) ? undefined : true), 5000, 'the killed redis-server to go');
    const newPid = await eventually(async () => {
      const pid = await serverPid(client);
      return pid !== killedPid ? pid : undefined;
    }, 10_000, 'a restarted redis-server to answer');
    assert.deepEqual(serversOn(server.socketPath), [newPid], 'exactly one redis-server on the socket');
    assert.equal(await client.get('survives'), 'kill -9');
    assert.deepEqual(await client.configGet('appendonly'), { appendonly: 'yes' });

    client.destroy();
    await server.stop();
    assert.equal(await redisAnswers(server.socketPath), false);
    assert.equal(alive(newPid), false, 'stop() ends the restarted redis-server');
  });

  it('adopts a redis-server already answering on the socket: no second one, restarted when it dies, stopped by stop()', testTimeout, async () => {
    const dataDir = newDataDir();
    const leftOverPid = await forgottenServer(dataDir);
    const adopting = embedded(dataDir);
    await adopting.start();
    const client = await connect(adopting);
    assert.equal(await serverPid(client), leftOverPid, 'the same redis-server answers');
    assert.deepEqual(serversOn(adopting.socketPath), [leftOverPid], 'no second redis-server was started');
    await client.set('from', 'the first launcher');
    client.destroy();

    process.kill(leftOverPid, 'SIGKILL');
    const [restartedPid] = await eventually(async () => {
      const pids = serversOn(adopting.socketPath).filter((pid) => pid !== leftOverPid);
      return pids.length === 1 && await redisAnswers(adopting.socketPath) ? pids : undefined;
    }, 10_000, 'the adopted redis-server to be restarted');
    const again = await connect(adopting);
    assert.equal(await again.get('from'), 'the first launcher', 'the append-only file survived');
    again.destroy();

    await adopting.stop();
    assert.equal(await redisAnswers(adopting.socketPath), false);
    assert.equal(alive(restartedPid!), false);
  });

  it('stops an adopted redis-server it never restarted', testTimeout, async () => {
    const dataDir = newDataDir();
    const pid = await forgottenServer(dataDir);
    const adopting = embedded(dataDir);
    await adopting.start();
    await adopting.stop();
    await eventually(async () => (alive(pid) ? undefined : true), 10_000, 'the adopted redis-server to end');
    assert.equal(await redisAnswers(adopting.socketPath), false);
  });

  it('only borrows a running redis-server without adopt (the CLI): its stop() leaves it running', testTimeout, async () => {
    const dataDir = newDataDir();
    const launchers = embedded(dataDir);
    await launchers.start();
    const pid = serversOn(launchers.socketPath)[0]!;
    const borrowing = embedded(dataDir, undefined, silentLogger(), false);
    await borrowing.start();
    await borrowing.stop();
    assert.equal(alive(pid), true);
    assert.equal(await redisAnswers(launchers.socketPath), true);
    await launchers.stop();
  });

  it('rejects with install-or-REDIS_URL advice when the redis-server binary is missing', testTimeout, async () => {
    const dataDir = newDataDir();
    const server = embedded(dataDir, 'redis-server-does-not-exist');
    const started = Date.now();
    await assert.rejects(server.start(), (error: Error) => {
      assert.match(error.message, /redis-server-does-not-exist/);
      assert.match(error.message, /Install it \(apt-get install redis-server\) or set REDIS_URL/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'fails at once, not after the start timeout');
    assert.equal(await redisAnswers(server.socketPath), false);
    await server.stop();
  });

  it('rejects with redis-server\'s own reason when it exits at start, and does not restart it behind the caller', testTimeout, async () => {
    const dataDir = newDataDir();
    // A directory where the socket goes: redis-server cannot bind it and exits with code 1.
    mkdirSync(join(dataDir, 'redis', 'redis.sock'), { recursive: true });
    const { logger, messages } = recordingLogger();
    const server = embedded(dataDir, undefined, logger);
    await assert.rejects(server.start(), /redis-server exited at start with code 1: .*Failed opening Unix socket/);
    rmSync(join(dataDir, 'redis', 'redis.sock'), { recursive: true });
    await sleep(1000);
    assert.deepEqual(messages.filter((message) => /restart/.test(message)), [], 'no restart attempts after start() failed');
    assert.deepEqual(serversOn(server.socketPath), []);
    assert.equal(await redisAnswers(server.socketPath), false);
  });

  it('never gives up restarting a server that keeps dying, and stop() ends it', testTimeout, async () => {
    const dataDir = newDataDir();
    const { logger, messages } = recordingLogger();
    const server = embedded(dataDir, undefined, logger);
    await server.start();
    for (let kill = 0; kill < 7; kill++) {
      const [pid] = await eventually(async () => {
        const pids = serversOn(server.socketPath);
        return pids.length === 1 && await redisAnswers(server.socketPath) ? pids : undefined;
      }, 20_000, `redis-server up before kill ${kill + 1}`);
      process.kill(pid!, 'SIGKILL');
      await eventually(async () => (alive(pid!) ? undefined : true), 5000, 'the killed redis-server to go');
    }
    const [last] = await eventually(async () => {
      const pids = serversOn(server.socketPath);
      return pids.length === 1 && await redisAnswers(server.socketPath) ? pids : undefined;
    }, 20_000, 'redis-server up after the seventh death');
    assert.equal(messages.filter((message) => /exited; restarting it/.test(message)).length, 7);
    assert.deepEqual(messages.filter((message) => /keeps dying|not restarting/.test(message)), []);
    await server.stop();
    assert.equal(alive(last!), false);
    assert.equal(await redisAnswers(server.socketPath), false);
  });
});

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { dockerContainersOf, eventually, freePort, removeContainersOf, removeSandboxOf, type LaunchResponse } from './testing/launcher-harness.js';
import { configSchema } from './config/schema.js';
import { ensureServiceUser } from './setup/service-user.js';

const defaultConfig = configSchema.parse({});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const readyLine = 'nblaunch is ready at';

interface Launched {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code and signal; never rejects. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Connects once: resolves 'connected' or the error code (ECONNREFUSED once nothing listens). */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** redis-server processes serving this socket (redis-server shows it in its process title). */
function redisServersOn(socketPath: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => line.includes('redis-server') && line.includes(socketPath))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('the nblaunch entry point (src/main.ts) as a process', () => {
  const children: ChildProcess[] = [];
  const dataDirs: string[] = [];
  const instances: string[] = [];

  /** The environment from scratch: nothing of the parent's NBLAUNCH_*, REDIS_URL or PORT leaks in. */
  const environment = (settings: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...settings,
  });

  const newSetup = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-main-it-'));
    const instance = `main-it-${Math.random().toString(36).slice(2, 10)}`;
    dataDirs.push(dataDir);
    instances.push(instance);
    // What setup does before `npm start`: the launcher gives up root for the service user.
    ensureServiceUser({ user: defaultConfig.runAsUser, dataDir, log: () => undefined });
    const port = await freePort();
    const settings = {
      NBLAUNCH_PORT: String(port), NBLAUNCH_HOST: '127.0.0.1', NBLAUNCH_DATA_DIR: dataDir,
      NBLAUNCH_INSTANCE: instance, NBLAUNCH_LOG_LEVEL: 'warn',
      // As in the harness: servers are reached through the launcher's address (127.0.0.1:<port>/s/<id>/).
      NBLAUNCH_ALLOW_SERVERS_ON_LAUNCHER_ORIGIN: 'true',
    };
    return { dataDir, instance, port, settings, baseUrl: `http://127.0.0.1:${port}` };
  };

  /** `ownGroup`: the process leads its own process group, as a shell's foreground job does. */
  const run = (settings: Record<string, string>, ownGroup = false): Launched => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: repoRoot, env: environment(settings), stdio: ['ignore', 'pipe', 'pipe'], detached: ownGroup,
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (data: Buffer) => { output += data.toString(); });
    child.stderr!.on('data', (data: Buffer) => { output += data.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    return { child, output: () => output, exited };
  };

  const ready = async (launched: Launched) => {
    await withTimeout(Promise.race([
      eventually(async () => (launched.output().includes(readyLine) ? true : undefined), 60_000, 'the ready line'),
      launched.exited.then(({ code, signal }) => { throw new Error(`nblaunch exited (${code ?? signal}) before it was ready:\n${launched.output()}`); }),
    ]), 60_000, `"${readyLine}"`);
  };

  const exitOf = (launched: Launched, ms: number) => withTimeout(launched.exited, ms, `nblaunch to exit; output so far:\n${launched.output()}`);

  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const instance of instances) {
      removeContainersOf(instance);
      // Each launcher made its instance's notebook network: a /16 of Docker's pools each.
      await removeSandboxOf(instance);
    }
    for (const dir of dataDirs) {
      // A launcher killed above leaves its private redis-server behind.
      for (const pid of redisServersOn(join(dir, 'redis', 'redis.sock'))) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with code 2 naming the setting and its variable when a setting is invalid', { timeout: 30_000 }, async () => {
    const setup = await newSetup();
    const launched = run({ ...setup.settings, NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS: 'soon' });
    const { code, signal } = await exitOf(launched, 20_000);
    assert.equal(signal, null);
    assert.equal(code, 2, launched.output());
    assert.match(launched.output(), /cull\.idleTimeoutSeconds/);
    assert.match(launched.output(), /NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS/);
    assert.doesNotMatch(launched.output(), new RegExp(readyLine));
    assert.equal(existsSync(join(setup.dataDir, 'redis')), false, 'nothing was started');
  });

  it('exits with code 2 naming an unknown NBLAUNCH_ variable', { timeout: 30_000 }, async () => {
    const setup = await newSetup();
    const launched = run({ ...setup.settings, NBLAUNCH_NOPE: '1' });
    const { code, signal } = await exitOf(launched, 20_000);
    assert.equal(signal, null);
    assert.equal(code, 2, launched.output());
    assert.match(launched.output(), /NBLAUNCH_NOPE/);
    assert.doesNotMatch(launched.output(), new RegExp(readyLine));
  });

  it('finishes a launch in flight on SIGTERM, exits 0, leaves the server running, and serves it again after a restart', { timeout: 180_000 }, async () => {
    const setup = await newSetup();
    const socketPath = join(setup.dataDir, 'redis', 'redis.sock');
    const first = run(setup.settings);
    await ready(first);
    assert.match(first.output(), new RegExp(`${readyLine} ${setup.baseUrl}`));
    assert.equal(redisServersOn(socketPath).length, 1, 'its private redis-server runs');

    let answered = false;
    const launch = fetch(`${setup.baseUrl}/api/sessions`, { method: 'POST' }).then(async (response) => {
      answered = true;
      return { status: response.status, body: await response.json() as LaunchResponse & { message?: string } };
    });
    // In flight: the launcher is creating the notebook container, which takes about a second to answer.
    await sleep(150);
    await eventually(async () => (dockerContainersOf(setup.instance).length > 0 ? true : undefined), 10_000, 'the notebook container to be created');
    assert.equal(answered, false, 'the launch is still in flight when SIGTERM is sent');
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');

    const { status, body } = await withTimeout(launch, 60_000, 'the launch in flight');
    assert.equal(status, 201, body.message);
    assert.match(body.id, /^[a-z0-9]{6,64}$/);
    assert.equal(body.url, `${setup.baseUrl}/s/${body.id}/`);
    assert.ok(body.token.length > 0);

    const { code, signal } = await exitOf(first, 20_000);
    const shutdownMs = Date.now() - signalledAt;
    assert.equal(signal, null);
    assert.equal(code, 0, first.output());
    assert.match(first.output(), /SIGTERM received/);
    assert.ok(shutdownMs < 15_000, `shut down in ${shutdownMs} ms`);
    assert.equal(await tryConnect(setup.port), 'ECONNREFUSED', 'new connections are refused after exit');
    assert.deepEqual(redisServersOn(socketPath), [], 'the private redis-server was stopped with it');
    const running = dockerContainersOf(setup.instance, false);
    assert.equal(running.length, 1, 'the notebook server keeps running');
    const name = execFileSync('docker', ['inspect', '-f', '{{.Name}}', running[0]!], { encoding: 'utf8' }).trim();
    assert.equal(name, `/nblaunch-${setup.instance}-${body.id}`);

    const second = run(setup.settings);
    await ready(second);
    const status200 = await fetch(`${setup.baseUrl}/s/${body.id}/api/status`, { headers: { authorization: `token ${body.token}` } });
    assert.equal(status200.status, 200, await status200.clone().text());
    assert.ok('started' in (await status200.json() as object), 'Jupyter\'s own status answered');
    const info = await fetch(`${setup.baseUrl}/api/sessions/${body.id}`, { headers: { authorization: `token ${body.token}` } });
    assert.equal(info.status, 200);
    assert.equal((await info.json() as { state: string }).state, 'running');

    second.child.kill('SIGINT');
    const stopped = await exitOf(second, 20_000);
    assert.deepEqual(stopped, { code: 0, signal: null }, second.output());
    assert.match(second.output(), /SIGINT received/);
    assert.equal(await tryConnect(setup.port), 'ECONNREFUSED');
    assert.deepEqual(redisServersOn(socketPath), []);
    assert.equal(dockerContainersOf(setup.instance, false).length, 1, 'still running after the second stop');
  });

  it('on Ctrl-C (SIGINT to the whole process group) finishes the launch in flight without its private redis-server dying under it', { timeout: 120_000 }, async () => {
    const setup = await newSetup();
    const socketPath = join(setup.dataDir, 'redis', 'redis.sock');
    const launched = run(setup.settings, true);
    await ready(launched);
    const [redisPid] = redisServersOn(socketPath);
    assert.ok(redisPid);

    const launch = fetch(`${setup.baseUrl}/api/sessions`, { method: 'POST' })
      .then(async (response) => ({ status: response.status, body: await response.json() as LaunchResponse & { message?: string } }));
    await sleep(150);
    await eventually(async () => (dockerContainersOf(setup.instance).length > 0 ? true : undefined), 10_000, 'the notebook container to be created');
    process.kill(-launched.child.pid!, 'SIGINT');

    const { status, body } = await withTimeout(launch, 60_000, 'the launch in flight');
    assert.equal(status, 201, body.message);
    const { code, signal } = await exitOf(launched, 20_000);
    assert.equal(signal, null);
    assert.equal(code, 0, launched.output());
    assert.doesNotMatch(launched.output(), /redis-server exited|redis connection problem/, 'the private redis-server ran until the launcher stopped it');
    assert.deepEqual(redisServersOn(socketPath), []);
    assert.equal(dockerContainersOf(setup.instance, false).length, 1, 'the notebook server keeps running');
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AptRequirement {
  aptPackage: string;
  /** A command name looked up on PATH (and sbin), or an absolute path. */
  binary: string;
}

export const DEFAULT_IMAGE = 'nblaunch/base:latest';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_SOCKET = '/var/run/docker.sock';
const DOCKERD_PID_FILE = '/var/run/docker.pid';
const CONTAINERD_PID_FILE = '/var/run/docker/containerd/containerd.pid';
const DOCKERD_LOG = '/var/log/nblaunch-dockerd.log';
// Non-root shells often lack sbin on PATH, where dockerd and debootstrap live.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export const log = (message: string): void => console.log(`[setup] ${message}`);

const isRoot = (): boolean => process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function findBinary(binary: string): string | undefined {
  const candidates = binary.includes('/')
    ? [binary]
    : [...(process.env.PATH ?? '').split(delimiter), ...SBIN_DIRS].filter(Boolean).map((dir) => join(dir, binary));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

let aptListsUpdated = false;

/** Installs the packages whose binary is missing. Returns the packages still missing. */
export async function ensureAptPackages(requirements: AptRequirement[]): Promise<string[]> {
  const missing = requirements.filter((r) => !findBinary(r.binary)).map((r) => r.aptPackage);
  if (missing.length === 0) return [];
  if (!isRoot() || !findBinary('apt-get')) {
    log(`missing packages: ${missing.join(' ')}`);
    log(`not root (or no apt-get), so not installing; run: sudo apt-get install -y ${missing.join(' ')}`);
    return missing;
  }
  log(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptListsUpdated) {
    await run('apt-get', ['update'], env);
    aptListsUpdated = true;
  }
  await run('apt-get', ['install', '-y', ...missing], env);
  return [];
}

type Endpoint = { socketPath: string } | { host: string; port: number };

/** undefined means only the docker CLI can reach it (ssh://, TLS). */
function endpointFromDockerHost(dockerHost: string): Endpoint | undefined {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://') && !process.env.DOCKER_TLS_VERIFY) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return undefined;
}

export function pingDocker(endpoint: Endpoint, timeoutMs = 2000): Promise<{ ok: boolean; error?: string }> {
  return new Promise((done) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.statusCode}` });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }));
    req.end();
  });
}

function dockerCliAnswers(): boolean {
  const result = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

/** The command name of a running process; a zombie counts as gone. */
function liveProcessName(pid: number): string | undefined {
  try {
    // Format: "pid (comm) state ...", and comm itself may contain ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  } catch {
    return undefined;
  }
}

/**
 * Returns the pid of the live `name` process owning the pid file, or removes the
 * stale file. dockerd refuses to start over a live dockerd pid and gives up waiting on
 * the containerd of a live containerd pid; its own check (kill 0) counts zombies as
 * live, and this machine's init reaps them late.
 */
function ownerOfPidFile(pidFile: string, name: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && liveProcessName(pid) === name) return pid;
  log(`removing stale ${pidFile}`);
  unlinkSync(pidFile);
  return undefined;
}

async function waitForPing(endpoint: Endpoint, timeoutMs: number, stillStarting: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillStarting()) {
    if ((await pingDocker(endpoint)).ok) return true;
    await sleep(500);
  }
  return (await pingDocker(endpoint)).ok;
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function ensureDockerEngine(startTimeoutMs = 60_000): Promise<void> {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    const endpoint = endpointFromDockerHost(dockerHost);
    const answers = endpoint ? (await pingDocker(endpoint)).ok : dockerCliAnswers();
    if (!answers) throw new Error(`the Docker engine at DOCKER_HOST=${dockerHost} does not answer`);
    log(`Docker engine at ${dockerHost} answers`);
    return;
  }

  const endpoint = { socketPath: DEFAULT_SOCKET };
  const first = await pingDocker(endpoint);
  if (first.ok) return log('Docker engine answers');
  if (first.error === 'EACCES') {
    throw new Error(`permission denied on ${DEFAULT_SOCKET}: run as root or add this user to the docker group`);
  }

  const runningPid = ownerOfPidFile(DOCKERD_PID_FILE, 'dockerd');
  if (runningPid !== undefined) {
    log(`dockerd (pid ${runningPid}) is running but not answering yet; waiting`);
    if (await waitForPing(endpoint, startTimeoutMs, () => liveProcessName(runningPid) === 'dockerd')) return;
    throw new Error(`dockerd (pid ${runningPid}) does not answer on ${DEFAULT_SOCKET}; stop it and retry`);
  }

  const dockerd = findBinary('dockerd');
  if (!dockerd) throw new Error('dockerd is not installed (apt-get install docker.io)');
  if (!isRoot()) throw new Error(`the Docker engine is not running and only root can start it: sudo ${dockerd}`);

  ownerOfPidFile(CONTAINERD_PID_FILE, 'containerd');
  log(`starting dockerd (log: ${DOCKERD_LOG})`);
  const logFd = openSync(DOCKERD_LOG, 'a');
  const path = [process.env.PATH, ...SBIN_DIRS].filter(Boolean).join(delimiter);
  const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, PATH: path } });
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();

  const started = Date.now();
  if (await waitForPing(endpoint, startTimeoutMs, () => !exited)) {
    return log(`Docker engine answers after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const reason = exited ? 'dockerd exited' : `dockerd did not answer within ${startTimeoutMs / 1000} s`;
  throw new Error(`${reason}; last lines of ${DOCKERD_LOG}:\n${tail(DOCKERD_LOG, 20)}`);
}

export function imageExists(image: string): boolean {
  return spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;
}

export async function ensureBaseImage(image = process.env.NBLAUNCH_IMAGE || DEFAULT_IMAGE): Promise<void> {
  if (imageExists(image)) return log(`image ${image} present`);
  // Only a missing image can need the offline debootstrap fallback.
  await ensureAptPackages([{ aptPackage: 'debootstrap', binary: 'debootstrap' }]);
  log(`building ${image}`);
  await run('bash', [join(REPO_ROOT, 'images', 'build-base.sh'), image]);
}

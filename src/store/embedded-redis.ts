import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.js';

const startTimeoutMs = 10_000;
/** Waits between restarts of a server that keeps dying; the last one repeats for as long as it takes. */
const defaultRestartDelaysMs = [0, 250, 1000, 2000, 5000, 10_000, 30_000];
/** A server that stayed up this long starts the delays over. */
const stableAfterMs = 60_000;
const adoptedWatchMs = 1000;

export interface EmbeddedRedisOptions {
  /**
   * The launcher's own Redis: a server already answering on the socket (left by a launcher that
   * was killed) is adopted, watched, restarted and stopped like one this process started. Off for
   * the CLI, which only borrows the launcher's server and must leave it running.
   */
  adopt?: boolean;
  binary?: string;
  /** Waits before each restart of a server that keeps dying; the last repeats. */
  restartDelaysMs?: number[];
}

/** Resolves true when something answers PING on the unix socket. */
export function redisAnswers(socketPath: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (answer: boolean) => { socket.destroy(); resolve(answer); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A private redis-server under the data directory, with the append-only file on, restarted
 * whenever it dies (with growing delays, never giving up while the launcher runs). A server
 * already answering on the socket is reused, because two servers must never share one
 * append-only file; with `adopt` it is then supervised as if this process had started it.
 */
export class EmbeddedRedis {
  readonly socketPath: string;
  private readonly dir: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  /** Set once start() succeeded: only then is a dying server restarted. */
  private supervising = false;
  private failures = 0;
  private upSince = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private adoptedPid: number | undefined;
  private adoptedWatch: NodeJS.Timeout | undefined;
  private readonly binary: string;
  private readonly adopt: boolean;
  private readonly restartDelaysMs: number[];

  constructor(dataDir: string, private readonly logger: Logger, options: EmbeddedRedisOptions = {}) {
    this.binary = options.binary ?? 'redis-server';
    this.adopt = options.adopt ?? false;
    this.restartDelaysMs = options.restartDelaysMs ?? defaultRestartDelaysMs;
    this.dir = resolvePath(dataDir, 'redis');
    this.socketPath = resolvePath(this.dir, 'redis.sock');
  }

  get url(): string {
    return `unix://${this.socketPath}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (await redisAnswers(this.socketPath)) {
      const pid = this.adopt ? await redisPid(this.socketPath) : undefined;
      this.logger.info({ socket: this.socketPath, pid }, this.adopt ? 'adopting the private redis-server already running' : 'reusing the private redis-server already running');
      if (pid !== undefined) this.watchAdopted(pid);
      return;
    }
    await this.spawnAndWait();
    this.supervising = true;
  }

  /** Not a child of this process, so no exit event: its pid is looked at once a second. */
  private watchAdopted(pid: number): void {
    this.adoptedPid = pid;
    this.supervising = true;
    this.upSince = Date.now();
    this.adoptedWatch = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(this.adoptedWatch);
      this.adoptedWatch = undefined;
      this.adoptedPid = undefined;
      this.onDeath(null, null);
    }, adoptedWatchMs);
    this.adoptedWatch.unref();
  }

  private async spawnAndWait(): Promise<void> {
    const child = spawn(this.binary, [
      '--port', '0', '--unixsocket', this.socketPath, '--unixsocketperm', '700', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no', '--loglevel', 'warning',
    ], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C (or a service manager signalling the whole group) must not
      // stop it under requests still in flight; the launcher stops it last, in stop().
      detached: true,
    });
    this.child = child;
    let spawnError: Error | undefined;
    let lastLine = '';
    const relay = (level: 'info' | 'warn') => (data: Buffer) => {
      const output = data.toString().trim();
      lastLine = output.split('\n').pop() ?? lastLine;
      this.logger[level]({ output }, 'redis-server');
    };
    child.on('error', (error) => { spawnError = error; });
    // redis-server writes its own log (warnings only, see --loglevel) to stdout.
    child.stdout?.on('data', relay('info'));
    child.stderr?.on('data', relay('warn'));
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`Cannot start ${this.binary}: ${spawnError.message}. Install it (apt-get install redis-server) or set REDIS_URL.`);
      if (child.exitCode !== null) {
        await Promise.race([closed, sleep(1000)]); // its last words, if any
        throw new Error(`${this.binary} exited at start with code ${child.exitCode}: ${lastLine || 'no output'}`);
      }
      if (await redisAnswers(this.socketPath)) {
        this.logger.info({ socket: this.socketPath, pid: child.pid }, 'private redis-server started');
        this.upSince = Date.now();
        return;
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`${this.binary} did not answer within ${startTimeoutMs / 1000} s.`);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.onDeath(code, signal);
  }

  private onDeath(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || !this.supervising) return;
    if (Date.now() - this.upSince >= stableAfterMs) this.failures = 0;
    const delayMs = this.restartDelaysMs[Math.min(this.failures, this.restartDelaysMs.length - 1)]!;
    this.failures += 1;
    this.logger.warn({ code, signal, delayMs, failures: this.failures }, 'private redis-server exited; restarting it');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.spawnAndWait().catch((error: Error) => {
        this.logger.error({ err: error.message }, 'could not restart the private redis-server; trying again');
        this.onDeath(null, null);
      });
    }, delayMs);
  }

  /**
   * For a launcher that failed to start: a server this process spawned is stopped (nobody else
   * knows it), an adopted one only stops being watched (another launcher may be using it).
   */
  async abandon(): Promise<void> {
    clearInterval(this.adoptedWatch);
    this.adoptedPid = undefined;
    await this.stop();
  }

  /** Stops the server (a spawned or an adopted one); the append-only file keeps the data for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.adoptedWatch);
    const adopted = this.adoptedPid;
    if (adopted !== undefined) {
      this.adoptedPid = undefined;
      await terminate(adopted);
    }
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(escalate);
  }
}

function isAlive(pid: number): boolean {
  try {
    // A zombie is gone for our purposes: its socket no longer answers.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** SIGTERM (redis-server flushes its append-only file), then SIGKILL after 5 s. */
async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
}

/** The pid of the server answering on the socket (INFO server's process_id). */
function redisPid(socketPath: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let answer = '';
    const done = (pid: number | undefined) => { socket.destroy(); resolve(pid); };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      const match = /process_id:(\d+)/.exec(answer);
      if (match) done(Number(match[1]));
    });
  });
}

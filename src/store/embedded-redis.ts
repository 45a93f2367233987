import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.js';

const startTimeoutMs = 10_000;
const maxRestartsPerMinute = 5;

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
 * A private redis-server under the data directory, with the append-only file on, restarted if it
 * dies. A server already answering on the socket (left by a launcher that was killed) is reused,
 * because two servers must never share one append-only file.
 */
export class EmbeddedRedis {
  readonly socketPath: string;
  private readonly dir: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  /** Set once start() succeeded: only then is a dying server restarted. */
  private supervising = false;
  private restarts: number[] = [];

  constructor(dataDir: string, private readonly logger: Logger, private readonly binary = 'redis-server') {
    this.dir = resolvePath(dataDir, 'redis');
    this.socketPath = resolvePath(this.dir, 'redis.sock');
  }

  get url(): string {
    return `unix://${this.socketPath}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (await redisAnswers(this.socketPath)) {
      this.logger.info({ socket: this.socketPath }, 'reusing the private redis-server already running');
      return;
    }
    await this.spawnAndWait();
    this.supervising = true;
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
        return;
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`${this.binary} did not answer within ${startTimeoutMs / 1000} s.`);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || !this.supervising || child !== this.child) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((time) => now - time < 60_000);
    if (this.restarts.length >= maxRestartsPerMinute) {
      this.logger.error({ code, signal }, 'private redis-server keeps dying; not restarting it again');
      return;
    }
    this.restarts.push(now);
    this.logger.warn({ code, signal }, 'private redis-server exited; restarting it');
    this.spawnAndWait().catch((error: Error) => this.logger.error({ err: error.message }, 'could not restart the private redis-server'));
  }

  /** Stops the server; the append-only file keeps the data for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(escalate);
  }
}

import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (bench/..), for spawning `src/main.ts` and package binaries. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process, in MiB, from `/proc/<pid>/status` (VmRSS). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

export function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted-src` : head;
  } catch {
    return 'unknown';
  }
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Everything the child wrote so far (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<Child>();

// Last resort: children must not outlive the benchmark even when it crashes.
process.once('exit', () => {
  for (const child of running) {
    try { child.process.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * Starts a child process and resolves once its stdout matches `ready` (the match is returned;
 * at once when `ready` is null); rejects if it exits first or stays silent for `timeoutMs`.
 */
export async function startChild(
  name: string, command: string, args: string[], ready: RegExp | null,
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ child: Child; match: RegExpExecArray }> {
  const proc = spawn(command, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let output = '';
  const append = (data: Buffer | string) => { output = (output + data.toString()).slice(-20_000); };
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => proc.once('exit', () => { exited = true; resolve(); }));
  const child: Child = {
    name, process: proc, pid: proc.pid ?? -1,
    output: () => output,
    async stop() {
      running.delete(child);
      if (exited) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(killer);
    },
  };
  running.add(child);
  proc.stderr?.on('data', (data: Buffer) => { append(data); });
  proc.on('error', (error) => append(`\n${error.message}`));
  if (!ready) {
    proc.stdout?.on('data', (data: Buffer) => { append(data); });
    return { child, match: Object.assign([''], { index: 0, input: '' }) as RegExpExecArray };
  }
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`${name} not ready within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}; its output:\n${output.slice(-2000)}`));
    };
    proc.once('error', fail);
    proc.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready`)));
    let found: RegExpExecArray | null = null;
    proc.stdout?.on('data', (data: Buffer) => {
      append(data);
      if (found) return;
      buffered += data.toString();
      found = ready.exec(buffered);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  }).catch(async (error: Error) => {
    await child.stop();
    throw error;
  });
  return { child, match };
}

/**
 * Runs cleanups in reverse order of registration, once, at the end of `body` (also when it
 * throws) or on SIGINT/SIGTERM.
 */
export async function withCleanup<T>(body: (defer: (cleanup: () => unknown) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => unknown> = [];
  let done: Promise<void> | undefined;
  const runAll = () => {
    done ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          console.error(`cleanup failed: ${(error as Error).message}`);
        }
      }
    })();
    return done;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping everything the benchmark started`);
    void runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body((cleanup) => cleanups.push(cleanup));
  } finally {
    await runAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A ~100-byte JSON answer to every request; prints `listening <port>`. */
export const jsonBackendScript = `
const http = require('node:http');
const body = JSON.stringify({ status: 'ok', service: 'bench-backend', items: [1, 2, 3, 4, 5], note: 'a small JSON answer, ~100 bytes' });
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

/** A WebSocket echo server (any path) that also answers plain GETs with 200; prints `listening <port>`. */
export const echoBackendScript = `
const http = require('node:http');
const { WebSocketServer } = require('ws');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"echo":true}');
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

/** The smallest Node HTTP server: the memory baseline. */
export const bareServerScript = `
require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port); });
`;

export async function startScript(name: string, script: string, nodeArgs: string[] = []): Promise<{ child: Child; port: number }> {
  const { child, match } = await startChild(name, process.execPath, [...nodeArgs, '-e', script], /listening (\d+)/);
  return { child, port: Number(match[1]) };
}

/** Samples `read` every `everyMs` for `forMs` and returns every value. */
export async function sample(read: () => number, forMs: number, everyMs = 200): Promise<number[]> {
  const values: number[] = [];
  const deadline = Date.now() + forMs;
  do {
    values.push(read());
    await sleep(everyMs);
  } while (Date.now() < deadline);
  return values;
}

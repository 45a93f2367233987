import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLocalTestRepo, type LocalTestRepo, type TestFiles, type TestRepoOptions } from './test-repo.js';

export type { LocalTestRepo, TestFile, TestFiles, TestRepo, TestRepoOptions } from './test-repo.js';

const httpBackend = '/usr/lib/git-core/git-http-backend';

export interface GitHttpServerOptions {
  /** Holds each request this long before answering (also settable later: `responseDelayMs`). */
  responseDelayMs?: number;
  /** Answer clients asking for protocol v2 (default true); false plays an older server (v0 only). */
  protocolV2?: boolean;
}

export interface ServedRequest {
  method: string;
  /** Path and query, e.g. `/owner/repo.git/info/refs?service=git-upload-pack`. */
  url: string;
}

/**
 * A Git server on loopback for tests: bare repos in a temp dir, served with git's smart HTTP
 * protocol by git-http-backend. Point `repos.githubUrl` (or any provider) at `baseUrl` and add
 * `host` to `git.allowHttpHosts`.
 *
 *   const server = await GitHttpServer.start();
 *   const repo = await server.createRepo('owner/demo', { 'requirements.txt': 'numpy\n' });
 *   // repo.cloneUrl === `${server.baseUrl}/owner/demo.git`
 *   await server.stop();
 */
export class GitHttpServer {
  readonly baseUrl: string;
  readonly host: string;
  /** Every request served so far, oldest first. */
  readonly requests: ServedRequest[] = [];
  /** Holds each request this long before answering; set it high to play a server that hangs. */
  responseDelayMs = 0;

  private readonly pending = new Set<{ timer: NodeJS.Timeout; child?: ChildProcess }>();

  private constructor(private readonly server: http.Server, private readonly root: string, private readonly protocolV2: boolean) {
    const { port } = server.address() as AddressInfo;
    this.host = `127.0.0.1:${port}`;
    this.baseUrl = `http://${this.host}`;
  }

  static async start(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'nblaunch-git-server-'));
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const gitServer = new GitHttpServer(server, root, options.protocolV2 ?? true);
    gitServer.responseDelayMs = options.responseDelayMs ?? 0;
    server.on('request', (req, res) => gitServer.handle(req, res));
    return gitServer;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  /** Requests whose path starts with `/<name>` (the repo's own traffic). */
  requestsFor(name: string): ServedRequest[] {
    return this.requests.filter((request) => request.url.startsWith(`/${name}.git/`) || request.url.startsWith(`/${name}/`));
  }

  /** A bare repo served at `${baseUrl}/<name>.git` (name may contain slashes: `group/sub/project`). */
  async createRepo(name: string, files?: TestFiles, options?: TestRepoOptions): Promise<LocalTestRepo> {
    if (!/^[A-Za-z0-9_][\w.-]*(\/[\w][\w.-]*)*$/.test(name) || name.includes('..')) {
      throw new Error(`test repo name ${JSON.stringify(name)} must be path segments of [A-Za-z0-9_.-]`);
    }
    const repo = await createLocalTestRepo(
      name,
      path.join(this.root, 'repos', `${name}.git`),
      path.join(this.root, 'work', name),
      `${this.baseUrl}/${name}.git`,
      options,
    );
    if (files) await repo.commit(files, 'Initial commit');
    return repo;
  }

  async stop(): Promise<void> {
    for (const request of this.pending) {
      clearTimeout(request.timer);
      request.child?.kill('SIGKILL');
    }
    this.pending.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await rm(this.root, { recursive: true, force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    const request: { timer: NodeJS.Timeout; child?: ChildProcess } = {
      timer: setTimeout(() => {
        if (res.destroyed) {
          this.pending.delete(request);
          return;
        }
        request.child = this.runBackend(req, res);
        request.child.once('close', () => this.pending.delete(request));
      }, this.responseDelayMs),
    };
    this.pending.add(request);
  }

  /** Runs git-http-backend as a CGI script: request in through env and stdin, response out of stdout. */
  private runBackend(req: http.IncomingMessage, res: http.ServerResponse): ChildProcess {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value ?? '';
    };
    const child = spawn(httpBackend, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: path.join(this.root, 'repos'),
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        PATH_INFO: safeDecode(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: header('content-type'),
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
        HTTP_CONTENT_ENCODING: header('content-encoding'),
        // Protocol v2 is asked for with this header; the CGI passes it on as GIT_PROTOCOL.
        HTTP_GIT_PROTOCOL: this.protocolV2 ? header('git-protocol') : '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        SERVER_PROTOCOL: 'HTTP/1.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin!);
    child.stdin!.on('error', () => undefined);
    child.on('error', () => res.destroy());
    res.on('close', () => child.kill('SIGKILL'));
    pipeCgiResponse(child.stdout!, res);
    return child;
  }
}

/** Reads the CGI header block (`Status:` and headers, then a blank line) and streams the body. */
function pipeCgiResponse(stdout: NodeJS.ReadableStream, res: http.ServerResponse): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (end === null) return;
    stdout.off('data', onData);
    let status = 200;
    for (const line of head.subarray(0, end.index).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end.index + end.length));
    stdout.pipe(res);
  };
  stdout.on('data', onData);
  stdout.on('end', () => {
    if (!res.headersSent) res.writeHead(502).end('git-http-backend ended without headers');
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return null;
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

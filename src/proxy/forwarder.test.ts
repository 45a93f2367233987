import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger } from '../log/logger.js';
import { ActivityRecorder } from './activity-recorder.js';
import { organizerAuthorization } from '../auth/organizer-bearer.js';
import { hashSecret, newOrganizerToken } from '../auth/secrets.js';
import { MemoryOrganizerTokenStore } from '../auth/testing/memory-organizer-token-store.js';
import { Forwarder } from './forwarder.js';
import type { RouteTarget } from './route-store.js';
import { MemoryRouteStore } from './testing/memory-route-store.js';
import { ask, closing, deadPort, listening, rawExchange } from './testing/local-servers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('Forwarder', () => {
  // A notebook server stand-in: records what reached it, answers by path, echoes WebSockets.
  const seen: Seen[] = [];
  const backendSockets = new Set<Socket>();
  const backend = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.endsWith('/login')) res.writeHead(302, { location: '/login' }).end();
      else if (req.url!.endsWith('/missing')) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
  });
  backend.on('connection', (socket) => backendSockets.add(socket));
  const upgradeHeaders: Array<IncomingMessage['headers']> = [];
  new WebSocketServer({ server: backend }).on('connection', (socket, req) => {
    upgradeHeaders.push(req.headers);
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });

  const logged: string[] = [];
  const logger = createLogger('warn', new Writable({ write(chunk, _encoding, done) { logged.push(String(chunk)); done(); } }));
  const activity = new ActivityRecorder(new MemoryRouteStore(), logger);
  const organizerTokens = new MemoryOrganizerTokenStore();
  const newToken = newOrganizerToken();
  const olderToken = 'made-before-the-prefix-0123456789abcdefghij';
  const forwarder = new Forwarder({
    activity, logger, isLauncherAuthorization: organizerAuthorization(organizerTokens),
    onFailure: (_req, res, failure) => {
      res.statusCode = failure === 'unreachable' ? 503 : 502;
      res.end(failure === 'unreachable' ? 'not answering' : 'unusable');
    },
    websocketSweepMs: 60_000,
  });
  let live: RouteTarget = { host: '127.0.0.1', port: 0 };
  let dead: RouteTarget = { host: '127.0.0.1', port: 0 };
  // The launcher's side: `/s/<id>/...` to the live backend, `/s/dead<...>/...` to a closed port.
  const route = (req: IncomingMessage): [string, RouteTarget] => {
    const id = req.url!.split('/')[2]!;
    return [id, id.startsWith('dead') ? dead : live];
  };
  const upgraded: Socket[] = [];
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => forwarder.web(req, res, ...route(req)));
  proxy.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.push(socket);
    forwarder.upgrade(req, socket, head, ...route(req));
  });
  let port = 0;

  before(async () => {
    for (const [id, token] of [['new', newToken], ['older', olderToken]] as const) {
      await organizerTokens.add({ id, label: id, createdAt: '2030-01-01T00:00:00.000Z', tokenHash: hashSecret(token) });
    }
    live = { host: '127.0.0.1', port: await listening(backend) };
    dead = { host: '127.0.0.1', port: await deadPort(createServer()) };
    port = await listening(proxy);
  });
  after(async () => {
    await forwarder.close();
    await Promise.all([closing(proxy), closing(backend)]);
  });

  it('passes the request on with its Host, X-Forwarded headers and body, without the launcher\'s cookies', async () => {
    const { response, body } = await ask(port, '/s/server01/api/contents?type=file', {
      method: 'POST', body: '{"a":1}',
      headers: { host: 'launcher.example:8000', cookie: '_xsrf=abc; nblaunch_organizer=secret', 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(body, 'hello');
    const last = seen.at(-1)!;
    assert.deepEqual([last.method, last.url, last.body], ['POST', '/s/server01/api/contents?type=file', '{"a":1}']);
    assert.equal(last.headers.host, 'launcher.example:8000');
    assert.equal(last.headers.cookie, '_xsrf=abc');
    assert.equal(last.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(last.headers['x-forwarded-proto'], 'http');
    assert.equal(last.headers['x-forwarded-host'], 'launcher.example:8000');
  });

  it('never passes on an organizer token, prefixed or made before the prefix; Jupyter\'s own token passes', async () => {
    const reaching = async (authorization: string) => {
      const { response } = await ask(port, '/s/anon0001/api/contents', { headers: { authorization } });
      assert.equal(response.statusCode, 200);
      return seen.at(-1)!.headers.authorization;
    };
    assert.equal(await reaching(`Bearer ${newToken}`), undefined);
    assert.equal(await reaching(`bearer   ${newToken}`), undefined);
    assert.equal(await reaching(`token ${newToken}`), undefined, 'whatever the scheme');
    assert.equal(await reaching(`Bearer ${olderToken}`), undefined, 'an older token: found by its hash');
    assert.equal(await reaching('token jupyter-token-of-this-server'), 'token jupyter-token-of-this-server');
    assert.equal(await reaching('Bearer jupyter-token-of-this-server'), 'Bearer jupyter-token-of-this-server', 'Jupyter takes its token as a bearer token too');
  });

  it('never passes an organizer token on through a WebSocket upgrade', async () => {
    for (const [authorization, reaches] of [[`Bearer ${newToken}`, undefined], [`Bearer ${olderToken}`, undefined], ['token jupyter-token', 'token jupyter-token']] as const) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/s/anon0002/api/events/subscribe`, { headers: { authorization } });
      try {
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        assert.equal(upgradeHeaders.at(-1)!.authorization, reaches, authorization.split(' ')[0]);
      } finally {
        socket.terminate();
      }
    }
  });

  it('keeps its connection to the server open for the next request, whatever the browser does with its own', async () => {
    await ask(port, '/s/server01/tree', { headers: { connection: 'keep-alive' } });
    const before = backendSockets.size;
    for (let i = 0; i < 3; i += 1) {
      const { response } = await ask(port, '/s/server01/tree', { headers: { connection: 'close' } });
      assert.equal(response.headers.connection, 'close');
    }
    assert.equal(backendSockets.size, before);
  });

  it('counts 2xx answers as activity, and not redirects or errors', async () => {
    await ask(port, '/s/visitor01/login');
    await ask(port, '/s/visitor02/missing');
    await ask(port, '/s/owner0001/api/status');
    assert.equal(activity.pendingFor('visitor01'), undefined);
    assert.equal(activity.pendingFor('visitor02'), undefined);
    assert.ok(activity.pendingFor('owner0001'));
  });

  it('answers for a server that does not answer, logging the path without its query', async () => {
    const { response, body } = await ask(port, '/s/dead00001/api/status?token=secret-token');
    assert.equal(response.statusCode, 503);
    assert.equal(body, 'not answering');
    const entry = logged.find((line) => line.includes('dead00001'));
    assert.ok(entry);
    assert.match(entry, /"path":"\/s\/dead00001\/api\/status"/);
    assert.doesNotMatch(entry, /secret-token/);
  });

  it('carries a WebSocket both ways and counts it as activity, its last traffic when it closes', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/s/kernel001/api/kernels/k/channels`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    assert.ok(activity.pendingFor('kernel001'), 'the upgrade is activity');
    await activity.flush();
    socket.send('print(6*7)');
    const [echo] = await new Promise<[Buffer]>((resolve) => socket.once('message', (data: Buffer) => resolve([data])));
    assert.equal(echo.toString(), 'print(6*7)');
    const proxySide = upgraded.at(-1)!;
    const closed = new Promise((resolve) => proxySide.once('close', resolve));
    socket.close();
    await closed;
    assert.ok(activity.pendingFor('kernel001'), 'the traffic since the last flush is recorded at the close');
  });

  it('answers 503 to a WebSocket upgrade for a server that does not answer', async () => {
    const answer = await rawExchange(port, 'GET /s/dead00002/api/kernels/k/channels HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });
});

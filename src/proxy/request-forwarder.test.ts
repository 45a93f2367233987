import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestForwarder, type ForwardFailure } from './request-forwarder.js';
import { ask, closing, deadPort, listening, rawExchange } from './testing/local-servers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('RequestForwarder', () => {
  // The notebook server's answer for each test; it sees the whole request body first.
  let answer: Handler = (_req, res) => res.end();
  const backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  // A server that does not speak HTTP back, or sends a header no browser may be sent.
  const garbage = createTcpServer((socket: Socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (request: Buffer) => {
      if (request.includes('/bad-header')) socket.end('HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\nok');
      // A status Node will not write: the headers already set for it must not frame the failure's answer.
      else if (request.includes('/bad-status')) socket.end('HTTP/1.1 099 Odd\r\nContent-Length: 2\r\nX-Odd: yes\r\n\r\nok');
      else socket.end('HELLO THERE\r\n\r\n');
    });
  });
  const statuses: number[] = [];
  const failures: ForwardFailure[] = [];
  const forwarder = new RequestForwarder({
    onStatus: (_req, status) => statuses.push(status),
    onFailure: (_req, res, failure) => {
      failures.push(failure);
      res.statusCode = failure === 'unreachable' ? 503 : 502;
      res.end(failure);
    },
  });
  let origin = '';
  let deadOrigin = '';
  let garbageOrigin = '';
  let presetHeader = false;
  const proxy = createServer((req, res) => {
    if (presetHeader) res.setHeader('X-Launcher', 'yes');
    const target = req.url!.startsWith('/dead/') ? deadOrigin : req.url!.startsWith('/garbage/') ? garbageOrigin : origin;
    forwarder.forward(req, res, target);
  });
  let proxyPort = 0;
  before(async () => {
    origin = `http://127.0.0.1:${await listening(backend)}`;
    deadOrigin = `http://127.0.0.1:${await deadPort(createServer())}`;
    garbageOrigin = `http://127.0.0.1:${await listening(garbage as unknown as import('node:http').Server)}`;
    proxyPort = await listening(proxy);
  });
  after(async () => {
    await forwarder.close();
    garbage.close();
    await Promise.all([closing(proxy), closing(backend)]);
  });

  it('passes method, path, query and body on, and reports the answer\'s status', async () => {
    answer = (req, res, body) => res.writeHead(201, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url} ${body.toString()}`);
    const { response, body } = await ask(proxyPort, '/s/x/api/contents/a%20b.ipynb?type=file&format=text', {
      method: 'PUT', body: '{"content":"x"}', headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(body, 'PUT /s/x/api/contents/a%20b.ipynb?type=file&format=text {"content":"x"}');
    assert.equal(statuses.at(-1), 201);
  });

  it('drops the browser\'s hop-by-hop headers and appends to X-Forwarded-For, -Port and -Proto', async () => {
    let seen: IncomingMessage['headers'] = {};
    answer = (req, res) => {
      seen = req.headers;
      res.end();
    };
    await ask(proxyPort, '/s/x/', {
      headers: {
        host: 'launcher.example:8000', connection: 'keep-alive, x-private', 'x-private': 'secret', te: 'trailers',
        'proxy-connection': 'keep-alive', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', authorization: 'token abc',
      },
    });
    assert.equal(seen.host, 'launcher.example:8000');
    assert.equal(seen.authorization, 'token abc');
    assert.equal(seen['x-private'], undefined);
    assert.equal(seen.te, undefined);
    assert.equal(seen['proxy-connection'], undefined);
    assert.equal(seen['x-forwarded-for'], '203.0.113.9,127.0.0.1');
    assert.equal(seen['x-forwarded-proto'], 'https,http');
    assert.equal(seen['x-forwarded-port'], '8000');
    assert.equal(seen['x-forwarded-host'], 'launcher.example:8000');
  });

  it('streams a large chunked upload through, and one sent with Expect: 100-continue', async () => {
    answer = (_req, res, body) => res.end(`${body.length} ${body.subarray(0, 3).toString()}${body.subarray(-3).toString()}`);
    const payload = Buffer.concat([Buffer.from('abc'), Buffer.alloc(5 * 1024 * 1024, 'x'), Buffer.from('xyz')]);
    const chunked = await new Promise<string>((resolve, reject) => {
      const sent = request({ host: '127.0.0.1', port: proxyPort, path: '/s/x/upload', method: 'POST', agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text));
      });
      sent.on('error', reject);
      for (let offset = 0; offset < payload.length; offset += 65_536) sent.write(payload.subarray(offset, offset + 65_536));
      sent.end();
    });
    assert.equal(chunked, `${payload.length} abcxyz`);
    const expecting = await new Promise<string>((resolve, reject) => {
      const sent = request({
        host: '127.0.0.1', port: proxyPort, path: '/s/x/upload', method: 'POST', agent: false,
        headers: { expect: '100-continue', 'content-length': payload.length },
      }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text));
      });
      sent.on('continue', () => sent.end(payload));
      sent.on('error', reject);
    });
    assert.equal(expecting, `${payload.length} abcxyz`);
  });

  it('copies status, reason and headers, repeated Set-Cookie included, and keeps headers set before', async () => {
    answer = (_req, res) => {
      res.writeHead(201, 'Made It', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Jupyter-Thing', 'yes', 'Content-Type', 'text/plain']);
      res.end('made');
    };
    for (const preset of [false, true]) {
      presetHeader = preset;
      const { response, body } = await ask(proxyPort, '/s/x/');
      assert.equal(response.statusCode, 201);
      assert.equal(response.statusMessage, 'Made It');
      assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(response.headers['x-jupyter-thing'], 'yes');
      assert.equal(body, 'made');
      assert.equal(response.headers['x-launcher'], preset ? 'yes' : undefined);
    }
    presetHeader = false;
  });

  it('gives an empty reason phrase Node\'s standard one, and answers HEAD without a body', async () => {
    answer = (_req, res) => {
      res.statusMessage = '';
      res.writeHead(200, { 'content-length': '4' }).end(_req.method === 'HEAD' ? undefined : 'body');
    };
    assert.equal((await ask(proxyPort, '/s/x/')).response.statusMessage, 'OK');
    const head = await ask(proxyPort, '/s/x/', { method: 'HEAD' });
    assert.equal(head.response.headers['content-length'], '4');
    assert.equal(head.body, '');
  });

  it('writes the browser\'s own Connection and Keep-Alive headers, not the server\'s', async () => {
    answer = (_req, res) => {
      res.writeHead(200, ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=99']);
      res.end('x');
    };
    const { response } = await ask(proxyPort, '/s/x/', { headers: { connection: 'close' } });
    assert.equal(response.headers.connection, 'close');
    assert.equal(response.headers['keep-alive'], undefined);
  });

  it('answers an HTTP/1.0 browser without chunked framing, closing the connection after the body', async () => {
    answer = (_req, res) => {
      res.write('first ');
      res.end('second');
    };
    const raw = await rawExchange(proxyPort, 'GET /s/x/ HTTP/1.0\r\n\r\n');
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(head!, /transfer-encoding/i);
    assert.equal(body, 'first second');
  });

  it('streams the body as it comes, before the server has finished', async () => {
    let finish: () => void = () => undefined;
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    };
    const response = await new Promise<IncomingMessage>((resolve) => request({ host: '127.0.0.1', port: proxyPort, path: '/s/x/events', agent: false }, resolve).end());
    response.setEncoding('utf8');
    const [first] = await once(response, 'data') as [string];
    assert.equal(first, 'data: one\n\n');
    let rest = '';
    response.on('data', (chunk: string) => { rest += chunk; });
    finish();
    await once(response, 'end');
    assert.equal(rest, 'data: two\n\n');
  });

  it('holds the server back while the browser reads slowly, and delivers every byte', async () => {
    const total = 32 * 1024 * 1024;
    let written = 0;
    let serverPaused = false;
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': String(total) });
      const chunk = Buffer.alloc(1024 * 1024, 'y');
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            serverPaused = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    const response = await new Promise<IncomingMessage>((resolve) => request({ host: '127.0.0.1', port: proxyPort, path: '/s/x/big', agent: false }, resolve).end());
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(written < total, 'the server is held back while the browser does not read');
    assert.ok(serverPaused);
    let received = 0;
    response.on('data', (chunk: Buffer) => { received += chunk.length; });
    response.resume();
    await once(response, 'end');
    assert.equal(received, total);
  });

  it('drops the server\'s answer when the browser leaves before its end', async () => {
    let serverSide: ServerResponse | undefined;
    answer = (_req, res) => {
      serverSide = res;
      res.writeHead(200);
      res.write('part of a long answer');
    };
    const response = await new Promise<IncomingMessage>((resolve) => request({ host: '127.0.0.1', port: proxyPort, path: '/s/x/long', agent: false }, resolve).end());
    await once(response, 'data');
    const closed = once(serverSide!, 'close');
    response.destroy();
    await closed;
    assert.equal(serverSide!.writableFinished, false);
  });

  it('breaks off the browser\'s answer when the server\'s breaks off, instead of leaving it open', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('ten bytes.', () => res.socket?.destroy());
    };
    const response = await new Promise<IncomingMessage>((resolve) => request({ host: '127.0.0.1', port: proxyPort, path: '/s/x/broken', agent: false }, resolve).on('error', () => undefined).end());
    response.on('error', () => undefined);
    response.resume();
    await new Promise((resolve) => response.once('close', resolve));
    assert.equal(response.complete, false);
  });

  it('reports a server that does not answer as unreachable, and one that answers with something not HTTP as unusable', async () => {
    const dead = await ask(proxyPort, '/dead/s/x/api/status');
    assert.deepEqual([dead.response.statusCode, dead.body, failures.at(-1)], [503, 'unreachable', 'unreachable']);
    const junk = await ask(proxyPort, '/garbage/s/x/api/status');
    assert.deepEqual([junk.response.statusCode, junk.body, failures.at(-1)], [502, 'unusable', 'unusable']);
    const badHeader = await ask(proxyPort, '/garbage/s/x/bad-header');
    assert.deepEqual([badHeader.response.statusCode, badHeader.body, badHeader.response.headers['x-bad']], [502, 'unusable', undefined]);
    const badStatus = await ask(proxyPort, '/garbage/s/x/bad-status');
    assert.deepEqual([badStatus.response.statusCode, badStatus.body, badStatus.response.headers['x-odd']], [502, 'unusable', undefined]);
  });

  it('reuses its connection to the server across requests', async () => {
    const sockets = new Set<unknown>();
    answer = (req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    };
    for (let i = 0; i < 5; i += 1) await ask(proxyPort, '/s/x/tree', { headers: { connection: 'close' } });
    assert.equal(sockets.size, 1);
  });
});

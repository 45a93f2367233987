import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { copyResponse } from './response-copy.js';
import { ask, closing, listening, rawExchange } from './testing/local-servers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('copyResponse', () => {
  // The notebook server's answer for each test, and a proxy that copies it with copyResponse.
  let answer: Handler = (_req, res) => res.end();
  const backend = createServer((req, res) => answer(req, res));
  const agent = new Agent({ keepAlive: true });
  let presetHeader = false;
  const proxy = createServer((req, res) => {
    if (presetHeader) res.setHeader('X-Launcher', 'yes');
    const headers = { ...req.headers, connection: 'keep-alive' };
    const forwarded = request({ host: '127.0.0.1', port: backendPort, path: req.url, method: req.method, headers, agent }, (from) => copyResponse(from, res));
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  let backendPort = 0;
  let proxyPort = 0;
  before(async () => {
    backendPort = await listening(backend);
    proxyPort = await listening(proxy);
  });
  after(async () => {
    agent.destroy();
    await Promise.all([closing(proxy), closing(backend)]);
  });

  it('copies status, reason and headers as sent, repeats and case included, and the body', async () => {
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
      assert.ok(response.rawHeaders.includes('X-Jupyter-Thing'));
      assert.equal(body, 'made');
      assert.equal(response.headers['x-launcher'], preset ? 'yes' : undefined);
    }
    presetHeader = false;
  });

  it('gives an empty reason phrase Node\'s standard one', async () => {
    answer = (_req, res) => {
      res.statusMessage = '';
      res.end();
    };
    assert.equal((await ask(proxyPort, '/s/x/')).response.statusMessage, 'OK');
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
});

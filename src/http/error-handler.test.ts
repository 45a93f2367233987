import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { LauncherError } from '../errors/launcher-error.js';
import { createLogger } from '../log/logger.js';
import { errorHandler } from './error-handler.js';

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const json = { accept: 'application/json' };

interface Body { status: number; reason: string; message: string }

describe('errorHandler', () => {
  const logLines: Array<Record<string, unknown>> = [];
  let server: Server;
  let base: string;

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = new Koa();
    app.use(errorHandler(createLogger('info', sink)));
    app.use((ctx) => {
      if (ctx.path.endsWith('/missing')) throw new LauncherError(404, 'no-such-session', 'No server <here>.');
      if (ctx.path.endsWith('/full')) throw new LauncherError(429, 'capacity-full', 'All servers are in use.');
      if (ctx.path.endsWith('/down')) throw new LauncherError(503, 'store-unavailable', 'Redis is down.');
      if (ctx.path.endsWith('/koa-400')) ctx.throw(400, 'That JSON did not parse.');
      if (ctx.path.endsWith('/bug')) throw new Error('secret-detail at /srv/app/internal.ts');
      ctx.body = 'fine';
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lets answers without an error through', async () => {
    const response = await fetch(`${base}/ok`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'fine');
  });

  it('turns a LauncherError into JSON {status, reason, message} for the API', async () => {
    const response = await fetch(`${base}/api/sessions/missing`, { headers: html });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await response.json(), { status: 404, reason: 'no-such-session', message: 'No server <here>.' });
  });

  it('answers JSON to a client that asks for JSON', async () => {
    const response = await fetch(`${base}/missing`, { headers: json });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { status: 404, reason: 'no-such-session', message: 'No server <here>.' });
  });

  it('answers a page, with the message escaped, to a browser', async () => {
    const response = await fetch(`${base}/missing`, { headers: html });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const page = await response.text();
    assert.match(page, /<h1 id="message-title">Nothing here<\/h1>/);
    assert.ok(page.includes('No server &#60;here&#62;.'));
  });

  it('sets Retry-After on 429 and the page refreshes to /launch', async () => {
    const page = await fetch(`${base}/full`, { headers: html });
    assert.equal(page.status, 429);
    assert.equal(page.headers.get('retry-after'), '10');
    const text = await page.text();
    assert.ok(text.includes('<meta http-equiv="refresh" content="10;url=/launch">'));
    assert.match(text, /href="\/launch"[^>]*>Try again now</);

    const api = await fetch(`${base}/api/full`);
    assert.equal(api.status, 429);
    assert.equal(api.headers.get('retry-after'), '10');
    assert.equal((await api.json() as Body).reason, 'capacity-full');
  });

  it('sets Retry-After on 503, without a refreshing page', async () => {
    const response = await fetch(`${base}/down`, { headers: html });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '10');
    assert.ok(!(await response.text()).includes('http-equiv="refresh"'));
  });

  it('keeps the message of a client error thrown by Koa as a 400 bad-request', async () => {
    const response = await fetch(`${base}/api/koa-400`);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { status: 400, reason: 'bad-request', message: 'That JSON did not parse.' });
    assert.equal(response.headers.get('retry-after'), null);
  });

  it('turns an unexpected error into a 500 internal that leaks neither message nor stack', async () => {
    const response = await fetch(`${base}/api/bug`);
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.ok(!text.includes('secret-detail'));
    assert.ok(!text.includes('internal.ts'));
    assert.ok(!/\bat .*:\d+:\d+/.test(text), 'no stack frames');
    const body = JSON.parse(text) as Body;
    assert.equal(body.status, 500);
    assert.equal(body.reason, 'internal');

    const page = await (await fetch(`${base}/bug`, { headers: html })).text();
    assert.ok(!page.includes('secret-detail'));
    assert.match(page, /Your server could not be started/);
  });

  it('logs an unexpected error with its stack under the request id the user is shown', async () => {
    const body = await (await fetch(`${base}/api/bug`)).json() as Body;
    const requestId = /logged as ([0-9a-f-]{36})/.exec(body.message)?.[1];
    assert.ok(requestId, body.message);

    const entry = logLines.find((line) => line.requestId === requestId);
    assert.ok(entry, 'the error was logged');
    assert.equal(entry.level, 50);
    assert.equal(entry.path, '/api/bug');
    assert.match(JSON.stringify(entry.err), /secret-detail/);
    assert.match(JSON.stringify(entry.err), /error-handler\.test\.ts/);
  });

  it('logs an expected error at info without a stack', async () => {
    await fetch(`${base}/api/sessions/missing`);
    const entry = logLines.findLast((line) => line.reason === 'no-such-session');
    assert.ok(entry);
    assert.equal(entry.level, 30);
    assert.equal(entry.err, undefined);
  });
});

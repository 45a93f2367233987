import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ask, closing, listening } from '../../proxy/testing/local-servers.js';
import type { ForwardFailure } from '../../proxy/request-forwarder.js';
import { forwardFailureResponder } from './server-proxy.js';

describe('forwardFailureResponder', () => {
  const server = createServer((req, res) => forwardFailureResponder(req, res, req.url!.split('/')[1] as ForwardFailure));
  let port = 0;
  before(async () => { port = await listening(server); });
  after(() => closing(server));

  it('answers a server that is not answering with 503, Retry-After and a JSON reason for scripts', async () => {
    const { response, body } = await ask(port, '/unreachable/s/x/api/status');
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '5');
    assert.match(String(response.headers['content-type']), /application\/json/);
    const answer = JSON.parse(body) as { status: number; reason: string; message: string };
    assert.deepEqual([answer.status, answer.reason], [503, 'server-unreachable']);
    assert.match(answer.message, /not answering.*reload in a few seconds/);
  });

  it('answers an answer that cannot be passed on with 502 and a page saying what to do, in a browser', async () => {
    const { response, body } = await ask(port, '/unusable/s/x/tree', { headers: { accept: 'text/html' } });
    assert.equal(response.statusCode, 502);
    assert.equal(response.headers['retry-after'], undefined);
    assert.match(String(response.headers['content-type']), /text\/html/);
    assert.match(body, /could not be passed on/);
    assert.match(body, /restart your server/);
    assert.doesNotMatch(body, /at .*\.ts:\d+/, 'no stack trace');
  });
});

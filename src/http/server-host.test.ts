import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ask, closing, listening, rawExchange } from '../proxy/testing/local-servers.js';
import { serveOnOwnHost, upgradeOnOwnHost } from './server-host.js';

describe('serving each server on its own host', () => {
  const settings = { serverOrigin: 'http://*.servers.localhost:8123', trustProxy: false };
  const served = (_req: IncomingMessage, res: ServerResponse) => res.end('served');
  const server = createServer(serveOnOwnHost(settings, served));
  server.on('upgrade', upgradeOnOwnHost(settings, (_req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n')));
  let port = 0;
  before(async () => { port = await listening(server); });
  after(() => closing(server));

  it('serves a server\'s path on its own host, and what is not a server\'s path on any', async () => {
    assert.equal((await ask(port, '/s/abc123/tree', { headers: { host: 'abc123.servers.localhost:8123' } })).body, 'served');
    assert.equal((await ask(port, '/', { headers: { host: 'other1.servers.localhost:8123' } })).body, 'served');
  });

  it('sends a request for one server on another\'s host to the right host, method kept', async () => {
    const { response } = await ask(port, '/s/abc123/api/contents?type=file', { method: 'POST', headers: { host: 'other1.servers.localhost:8123' } });
    assert.equal(response.statusCode, 307);
    assert.equal(response.headers.location, 'http://abc123.servers.localhost:8123/s/abc123/api/contents?type=file');
  });

  it('refuses a WebSocket to one server on another\'s host, and lets one on its own through', async () => {
    const upgrade = (host: string) => rawExchange(port, `GET /s/abc123/api/kernels/k/channels HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    assert.match(await upgrade('other1.servers.localhost:8123'), /^HTTP\/1\.1 403 Forbidden/);
    assert.match(await upgrade('abc123.servers.localhost:8123'), /^HTTP\/1\.1 101/);
  });

  it('changes nothing with one server origin for all', () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => res.end();
    assert.equal(serveOnOwnHost({ serverOrigin: 'http://servers.localhost:8123', trustProxy: false }, handler), handler);
  });
});

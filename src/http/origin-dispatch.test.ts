import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { byOrigin, hostServerLabel, originClassifier, requestHost, sameOriginWarning } from './origin-dispatch.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const config = (serverOrigin: string, trustProxy = false) => ({ serverOrigin, trustProxy });

describe('originClassifier', () => {
  it('serves everything from the launcher\'s origin when there is no server origin', () => {
    const roleOf = originClassifier(config(''));
    assert.equal(roleOf(request({ host: 'servers.localhost:8000' })), 'main');
    assert.equal(roleOf(request({})), 'main');
  });

  it('knows the server origin by exactly its host and port, in any case, with or without the default port', () => {
    const roleOf = originClassifier(config('http://Servers.Example.org/'));
    for (const host of ['servers.example.org', 'SERVERS.example.org', 'servers.example.org:80']) {
      assert.equal(roleOf(request({ host })), 'server', host);
    }
    for (const host of ['example.org', 'nb.example.org', 'servers.example.org:8000', 'servers.example.org.evil.test', 'x.servers.example.org', '127.0.0.1', '', 'servers.example.org/x', 'a@servers.example.org']) {
      assert.equal(roleOf(request({ host })), 'main', host);
    }
    const withPort = originClassifier(config('http://servers.localhost:8123'));
    assert.equal(withPort(request({ host: 'servers.localhost:8123' })), 'server');
    assert.equal(withPort(request({ host: 'servers.localhost' })), 'main');
    assert.equal(originClassifier(config('https://servers.example.org'))(request({ host: 'servers.example.org:443' })), 'server');
  });

  it('with a * first label, takes any one label in its place for a server host, and names that label', () => {
    const settings = config('http://*.servers.localhost:8123');
    const roleOf = originClassifier(settings);
    const labelOf = hostServerLabel(settings);
    for (const host of ['abc123.servers.localhost:8123', 'WS-DEMO-0123456789ABCDEF.servers.localhost:8123']) {
      assert.equal(roleOf(request({ host })), 'server', host);
    }
    assert.equal(labelOf(request({ host: 'WS-DEMO-0123456789ABCDEF.servers.localhost:8123' })), 'ws-demo-0123456789abcdef');
    for (const host of ['servers.localhost:8123', 'a.b.servers.localhost:8123', 'abc.servers.localhost', 'abc.servers.localhost:9999', '-abc.servers.localhost:8123', 'abc.servers.localhost.evil.test:8123', 'localhost:8123']) {
      assert.equal(roleOf(request({ host })), 'main', host);
      assert.equal(labelOf(request({ host })), null, host);
    }
    assert.equal(hostServerLabel(config('http://servers.localhost:8123'))(request({ host: 'servers.localhost:8123' })), null, 'one origin for all: no label');
  });

  it('reads X-Forwarded-Host only behind a trusted proxy, as Koa does', () => {
    const forwarded = request({ host: 'internal:8000', 'x-forwarded-host': 'servers.example.org, proxy.internal' });
    assert.equal(originClassifier(config('https://servers.example.org', true))(forwarded), 'server');
    assert.equal(originClassifier(config('https://servers.example.org', false))(forwarded), 'main');
    assert.equal(originClassifier(config('https://servers.example.org', false))(request({ host: 'nb.example.org', 'x-forwarded-host': 'servers.example.org' })), 'main');
    assert.equal(requestHost({ host: 'a' }, true), 'a');
  });
});

describe('byOrigin', () => {
  it('hands each request, with the rest of its arguments, to its origin\'s handler', () => {
    const seen: string[] = [];
    const handle = byOrigin<[string]>(config('http://servers.localhost:8000'), {
      main: (req, extra) => seen.push(`main ${req.headers.host} ${extra}`),
      server: (req, extra) => seen.push(`server ${req.headers.host} ${extra}`),
    });
    handle(request({ host: 'localhost:8000' }), 'a');
    handle(request({ host: 'servers.localhost:8000' }), 'b');
    assert.deepEqual(seen, ['main localhost:8000 a', 'server servers.localhost:8000 b']);
  });
});

describe('sameOriginWarning', () => {
  it('warns, naming the setting, when servers share the origin of a launcher reachable from elsewhere', () => {
    assert.match(sameOriginWarning({ serverOrigin: '', host: '0.0.0.0' }) ?? '', /serverOrigin \(NBLAUNCH_SERVER_ORIGIN\)/);
    assert.ok(sameOriginWarning({ serverOrigin: '', host: '192.168.1.5' }));
    assert.ok(sameOriginWarning({ serverOrigin: '', host: '::' }));
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.equal(sameOriginWarning({ serverOrigin: '', host }), null, host);
    assert.equal(sameOriginWarning({ serverOrigin: 'https://servers.example.org', host: '0.0.0.0' }), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasOriginPerServer, originForServer, serverLabelOf, servesHost } from './server-origin.js';

describe('the serverOrigin setting', () => {
  it('gives every server the one server origin, or without one, the launcher\'s (empty)', () => {
    assert.equal(hasOriginPerServer('https://servers.example.org'), false);
    assert.equal(originForServer('https://servers.example.org', 'abc'), 'https://servers.example.org');
    assert.equal(originForServer('', 'abc'), '');
    assert.equal(hasOriginPerServer(''), false);
  });

  it('with a * first label, gives each server an origin of its own, port kept', () => {
    assert.equal(hasOriginPerServer('https://*.servers.example.org'), true);
    assert.equal(originForServer('https://*.servers.example.org', 'abc123'), 'https://abc123.servers.example.org');
    assert.equal(originForServer('http://*.servers.localhost:8123', 'ws-demo-0123456789abcdef'), 'http://ws-demo-0123456789abcdef.servers.localhost:8123');
  });

  it('knows its hosts: exactly the origin\'s, or one DNS label in place of the *', () => {
    assert.equal(servesHost('https://servers.example.org', 'servers.example.org'), true);
    assert.equal(servesHost('https://servers.example.org', 'x.servers.example.org'), false);
    const pattern = 'https://*.servers.example.org';
    assert.equal(servesHost(pattern, 'abc.servers.example.org'), true);
    for (const host of ['servers.example.org', '.servers.example.org', 'a.b.servers.example.org', 'a_b.servers.example.org', 'abc-.servers.example.org', `${'a'.repeat(64)}.servers.example.org`, 'abc.servers.example.org:444']) {
      assert.equal(servesHost(pattern, host), false, host);
    }
    assert.equal(serverLabelOf(pattern, 'abc.servers.example.org'), 'abc');
    assert.equal(serverLabelOf(pattern, 'servers.example.org'), null);
    assert.equal(serverLabelOf('https://servers.example.org', 'servers.example.org'), null);
  });
});

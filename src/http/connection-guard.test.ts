import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { addressKey, ConnectionGuard, connectionLimits } from './connection-guard.js';
import { openFilesLimit } from './open-files-limit.js';

describe('connection limits', () => {
  it('reads the soft open-files limit from /proc/self/limits, with a fallback', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nblaunch-limits-'));
    try {
      const file = join(dir, 'limits');
      writeFileSync(file, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            4096                 524288               files\n');
      assert.equal(openFilesLimit(file), 4096);
      writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
      assert.equal(openFilesLimit(file, 1024), 1024);
      assert.equal(openFilesLimit(join(dir, 'missing'), 777), 777);
      assert.ok(openFilesLimit() > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the global cap below the fds and one address below the global cap minus the reserve', () => {
    const config = loadConfig({ env: {}, overrides: {} });
    const roomy = connectionLimits(config, 20_000);
    assert.equal(roomy.maxConnections, 9872);
    assert.equal(roomy.maxPerAddress, 1500);
    const tight = connectionLimits(config, 1024);
    assert.equal(tight.maxConnections, 384);
    assert.ok(tight.maxPerAddress <= tight.maxConnections - tight.reserve);
  });

  it('counts IPv4 (mapped or not) per address and IPv6 per /64', () => {
    assert.equal(addressKey('::ffff:127.0.0.2'), '127.0.0.2');
    assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:bbbb::9'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  });
});

/** Opens `count` silent connections from `localAddress`; resolves with how many the server kept open. */
async function connect(port: number, localAddress: string, count: number, into: net.Socket[]): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<net.Socket>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
  })));
  into.push(...sockets);
  // A refused socket is closed by the server at once; give the FINs a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
}

describe('ConnectionGuard on a real server', () => {
  it('keeps the last slots for addresses holding few connections', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const guard = new ConnectionGuard({ maxConnections: 40, maxPerAddress: 30, reserve: 10, silentTimeoutMs: 60_000 }, createLogger('silent'));
    guard.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sockets: net.Socket[] = [];
    try {
      assert.equal(await connect(port, '127.0.0.2', 20, sockets), 20);
      // 10 before the reserve, then 6 more from it: an address holding fewer than 16 still may.
      assert.equal(await connect(port, '127.0.0.3', 20, sockets), 16, 'a second heavy address gets in up to its share of the reserve');
      assert.equal(await connect(port, '127.0.0.4', 3, sockets), 3, 'a light address still gets in from the reserve');
      assert.equal(await connect(port, '127.0.0.2', 1, sockets), 0, 'a heavy address does not');
      const health = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(health.status, 200);
      assert.ok(guard.open <= 40, `never more than the global cap (${guard.open})`);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

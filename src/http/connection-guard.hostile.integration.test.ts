import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, eventually, type Harness } from '../testing/launcher-harness.js';

const perAddress = 20;

/** A connection from `localAddress` that sends nothing; resolves once it is open or closed. */
function silentConnection(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('the launcher under a flood of idle connections from one address', () => {
  let harness: Harness;
  let target: http.Server;

  before(async () => {
    harness = await bootLauncher({
      instance: `hclient-conn-${Math.random().toString(36).slice(2, 8)}`,
      http: { maxConnectionsPerAddress: perAddress, maxConnections: 200, headersTimeoutSeconds: 4 },
    });
    target = http.createServer((_req, res) => res.end('from the server'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    await harness.launcher.deps.routes.add('hclientflood', { host: '127.0.0.1', port: (target.address() as AddressInfo).port });
  });
  after(async () => {
    await harness.cleanup();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it('closes the flood\'s connections over the per-address cap at once, keeps /health and proxying working, and closes silent ones after the timeout', async () => {
    const fdsBefore = openFds();
    const flood = await Promise.all(Array.from({ length: perAddress + 10 }, () => silentConnection(harness.launcher.port, '127.0.0.2')));
    const isClosed = (socket: net.Socket) => socket.closed || socket.destroyed || socket.readyState === 'closed';
    // The launcher closes the extra ones as it accepts them: wait for their end to arrive.
    await eventually(async () => (flood.filter(isClosed).length >= 10 ? true : undefined), 5000, 'the connections over the cap to be closed');

    const health = await fetch(`${harness.url}/health`);
    assert.equal(health.status, 200);
    const proxied = await fetch(`${harness.url}/s/hclientflood/anything`);
    assert.equal(proxied.status, 200);
    assert.equal(await proxied.text(), 'from the server');

    assert.equal(flood.filter(isClosed).length, 10, 'exactly the connections over the cap were closed; the rest are still open while the checks ran');
    await eventually(async () => (flood.every(isClosed) ? true : undefined), 15_000, 'silent connections to be closed by the timeout');
    for (const socket of flood) socket.destroy();
    await eventually(async () => (openFds() <= fdsBefore + 4 ? true : undefined), 5000, `file descriptors to be released (before: ${fdsBefore}, now: ${openFds()})`);

    const again = await Promise.all(Array.from({ length: perAddress }, () => silentConnection(harness.launcher.port, '127.0.0.2')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(again.filter(isClosed).length, 0, 'the address\'s count went back to zero: it may open its share again');
    for (const socket of again) socket.destroy();
  });
});

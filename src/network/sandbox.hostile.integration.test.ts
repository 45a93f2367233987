import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { readBuildEvents } from '../testing/build-events-client.js';
import { countingListener, hostAddresses, probeFromContainer, probeResults, probeScript, type Target } from '../testing/connect-probe.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, launchSession, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import { containerName } from '../runtime/labels.js';
import { DockerSandboxNetwork } from '../runtime/sandbox-network.js';
import { sandboxNetworkName } from './sandbox-names.js';

const metadata: Target = ['169.254.169.254', 80];
const key = ([host, port]: Target) => `${host}:${port}`;

function assertAllBlocked(results: Map<string, string>, targets: Target[]): void {
  for (const target of targets) {
    const result = results.get(key(target));
    assert.ok(result !== undefined, `no probe result for ${key(target)}`);
    assert.match(result, /^blocked/, `${key(target)} was reached from inside the sandbox`);
  }
}

describe('the notebook network: code in servers and builds reaches neither the host, nor other servers, nor the metadata address', () => {
  let launched: GitBackedHarness | undefined;
  let harness: Harness;
  let git: GitHttpServer;
  let instance: string;
  let gateway: string;
  let hostListener: Awaited<ReturnType<typeof countingListener>>;
  let allowedListener: Awaited<ReturnType<typeof countingListener>>;

  before(async () => {
    instance = `it-${Math.random().toString(36).slice(2, 10)}`;
    ({ gateway } = await new DockerSandboxNetwork(instance).ensure());
    // A host service on every interface, as an operator's database or the Docker API on tcp would be.
    hostListener = await countingListener('0.0.0.0');
    // An internal mirror the operator lets through: the positive control.
    allowedListener = await countingListener(gateway);
    launched = await bootLauncherWithGit({
      instance,
      host: '0.0.0.0',
      network: { allow: [`${gateway}:${allowedListener.port}`] },
      capacity: { maxServers: 4, maxServersPerIp: 4 },
      build: { timeoutSeconds: 120 },
    });
    ({ harness, git } = launched);
  });

  after(async () => {
    await launched?.cleanup();
    await hostListener?.close();
    await allowedListener?.close();
  });

  it('a notebook server: host ports on any host address, the launcher, another server and 169.254.169.254 fail; an allowed port and the proxy work', async () => {
    const [mine, other] = [await launchSession(harness.url), await launchSession(harness.url)];
    const otherIp = execFileSync('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${sandboxNetworkName(instance)}").IPAddress}}`, containerName(instance, other.id)], { encoding: 'utf8' }).trim();
    assert.match(otherIp, /^\d+\.\d+\.\d+\.\d+$/);
    const addresses = hostAddresses();
    assert.ok(addresses.includes(gateway), `the gateway ${gateway} is one of the host's addresses: ${addresses.join(', ')}`);
    const forbidden: Target[] = [
      ...addresses.map((address): Target => [address, hostListener.port]),
      ...addresses.map((address): Target => [address, harness.launcher.port]),
      [otherIp, 8888],
      metadata,
    ];
    const results = await probeFromContainer(containerName(instance, mine.id), [...forbidden, [gateway, allowedListener.port]]);
    assertAllBlocked(results, forbidden);
    assert.equal(hostListener.accepted(), 0);
    assert.equal(results.get(`${gateway}:${allowedListener.port}`), 'reached', 'the allow-listed port must stay reachable');
    assert.equal(allowedListener.accepted(), 1);

    // Names still resolve (Docker's embedded resolver answers inside the container), though the address is fenced off.
    const resolved = execFileSync('docker', ['exec', containerName(instance, mine.id), 'python3', '-c',
      `import socket; print(socket.gethostbyname(${JSON.stringify(containerName(instance, other.id))}))`], { encoding: 'utf8' }).trim();
    assert.equal(resolved, otherIp);

    // The launcher still reaches both servers, through the proxy.
    for (const session of [mine, other]) {
      const status = await fetch(`${session.url}api/status`, { headers: { authorization: `token ${session.token}` } });
      assert.equal(status.status, 200);
    }
    const health = await (await fetch(`${harness.url}/health`)).json() as { checks: { network: { ok: boolean; via: string } } };
    assert.deepEqual(health.checks.network, { ok: true, via: 'iptables' });
  });

  it('a build step (postBuild): host ports on any host address and 169.254.169.254 fail; an allowed port works', async () => {
    const forbidden: Target[] = [...hostAddresses().map((address): Target => [address, hostListener.port]), metadata];
    const allowed: Target = [gateway, allowedListener.port];
    const before = allowedListener.accepted();
    await git.createRepo('hostile/probe', {
      'binder/probe.py': probeScript([...forbidden, allowed]),
      'binder/postBuild': { content: '#!/bin/bash\nset -e\npython3 binder/probe.py\n', mode: 0o755 },
    });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/hostile/probe/main?build_only=true`);
    const log = events.map((event) => event.message).join('');
    assert.equal(events.at(-1)?.phase, 'ready', log.slice(-2000));
    const results = probeResults(log);
    assertAllBlocked(results, forbidden);
    assert.equal(hostListener.accepted(), 0);
    assert.equal(results.get(key(allowed)), 'reached', 'the allow-listed port must stay reachable from builds');
    assert.equal(allowedListener.accepted(), before + 1);
  });
});

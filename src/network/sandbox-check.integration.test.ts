import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { bootLauncher, removeSandboxOf, type Harness } from '../testing/launcher-harness.js';
import { DockerSandboxNetwork } from '../runtime/sandbox-network.js';
import { hostReachableFromSandbox } from '../runtime/sandbox-probe.js';
import { installFirewall } from './firewall.js';
import { firewallPlan } from './firewall-plan.js';

const image = 'nblaunch/base:latest';
const newInstance = () => `it-${Math.random().toString(36).slice(2, 10)}`;

describe('checking the sandbox', () => {
  let harness: Harness | undefined;
  const instances: string[] = [];
  after(async () => {
    await harness?.cleanup();
    for (const instance of instances) await removeSandboxOf(instance);
  });

  it('/health names the missing rules and how to fix them, until they are installed', async () => {
    harness = await bootLauncher({}, { installFirewall: false });
    const before = await fetch(`${harness.url}/health`);
    assert.equal(before.status, 503);
    const report = await before.json() as { message: string; checks: { network: { ok: boolean; message: string; via: string } } };
    assert.match(report.message, /network/);
    assert.equal(report.checks.network.ok, false);
    assert.equal(report.checks.network.via, 'iptables');
    assert.match(report.checks.network.message, /run the setup as root/);
    assert.match(report.checks.network.message, /iptables -A DOCKER-USER -i nbl-it-[a-z0-9]+ .*-j nbl-it-[a-z0-9]+-fwd/);
    assert.match(report.checks.network.message, /-d 169\.254\.0\.0\/16 .*-j REJECT/);

    await installFirewall(firewallPlan(harness.config));
    assert.equal((await harness.launcher.network.check()).ok, true);
    assert.equal((await fetch(`${harness.url}/health`)).status, 200);
  });

  it('the probe a launcher without root uses: a container on the network reaches the host without the rules, not with them', async () => {
    const instance = newInstance();
    instances.push(instance);
    const network = await new DockerSandboxNetwork(instance).ensure();
    assert.equal(await hostReachableFromSandbox(network, image, instance), true);
    await installFirewall(firewallPlan(loadConfig({ env: {}, overrides: { instance } })));
    assert.equal(await hostReachableFromSandbox(network, image, instance), false);
  });
});

import type { Config } from '../config/schema.js';
import { checkFirewall, installFirewall } from '../network/firewall.js';
import { firewallPlan } from '../network/firewall-plan.js';
import { DockerSandboxNetwork } from '../runtime/sandbox-network.js';
import { log } from './host.js';

/**
 * The notebook network of the configured instance and its firewall rules: created and installed
 * as root (idempotent: run it after every boot, iptables rules do not survive one), then checked.
 */
export async function ensureSandbox(config: Config): Promise<void> {
  const network = await new DockerSandboxNetwork(config.instance).ensure();
  log(`notebook network ${network.name} (bridge ${network.bridge}, ${network.subnet}, gateway ${network.gateway})`);
  const plan = firewallPlan(config);
  if (process.getuid?.() !== 0) {
    log(`not root, so not installing the firewall rules of ${plan.bridge}; the launcher reports them in /health. Run the setup as root once per boot.`);
    return;
  }
  await installFirewall(plan);
  const report = await checkFirewall(plan);
  if (!report.ok) throw new Error(report.message);
  log(`firewall rules of ${plan.bridge} in place (allowed: ${config.network.allow.join(', ') || 'none'}; name servers: ${plan.nameServers.join(', ') || 'none off the host'})`);
}

import type { Config } from '../config/schema.js';
import { parseAllowEntry, type AllowEntry } from './allow-entry.js';
import { upstreamNameServers } from './dns-servers.js';
import { hostSubnets } from './host-subnets.js';
import type { FirewallPlan } from './firewall-rules.js';
import { sandboxBridgeName } from './sandbox-names.js';

/** The rule set this configuration asks for on this host (setup installs it, the launcher checks it). */
export function firewallPlan(config: Config): FirewallPlan {
  return {
    bridge: sandboxBridgeName(config.instance),
    allow: config.network.allow.map((entry) => parseAllowEntry(entry)).filter((entry): entry is AllowEntry => entry !== undefined),
    nameServers: upstreamNameServers(),
    hostSubnets: hostSubnets(),
  };
}

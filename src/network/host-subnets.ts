import { BlockList, isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { networkAddress } from './allow-entry.js';
import { blockedIpv4Ranges } from './firewall-rules.js';

const alreadyBlocked = new BlockList();
for (const range of blockedIpv4Ranges) {
  const [address, bits] = range.split('/');
  alreadyBlocked.addSubnet(address!, Number(bits), 'ipv4');
}

/**
 * The IPv4 blocks of the host's own interfaces that the fixed list does not cover (a LAN of
 * public or documentation addresses): its neighbours are as internal as a 10/8 one. Docker's
 * bridges fall in the fixed list, so networks coming and going do not change the result.
 */
export function hostSubnets(interfaces = networkInterfaces()): string[] {
  const blocks = new Set<string>();
  for (const address of Object.values(interfaces).flat()) {
    if (!address || address.family !== 'IPv4' || address.internal || !isIPv4(address.address)) continue;
    const bits = Number(address.cidr?.split('/')[1] ?? 32);
    const network = networkAddress(address.address, bits);
    if (!alreadyBlocked.check(network, 'ipv4')) blocks.add(`${network}/${bits}`);
  }
  return [...blocks].sort();
}

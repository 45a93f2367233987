import { createHash } from 'node:crypto';

/** Linux caps interface names at 15 characters. */
const maxInterfaceName = 15;

/** The Docker network every notebook server and build step of this deployment joins. */
export function sandboxNetworkName(instance: string): string {
  return `nblaunch-${instance}`;
}

/**
 * The host's name for the network's bridge, fixed so firewall rules can name it before the
 * network exists: `nbl-<instance>`, or a shortened instance plus a hash when that is too long.
 */
export function sandboxBridgeName(instance: string): string {
  const plain = `nbl-${instance}`;
  if (plain.length <= maxInterfaceName) return plain;
  const hash = createHash('sha256').update(instance).digest('hex').slice(0, 4);
  return `nbl-${instance.slice(0, maxInterfaceName - 9).replace(/-+$/, '')}-${hash}`;
}

/** The comment every firewall rule of this bridge carries: what install, check and removal look for. */
export function firewallTag(bridge: string): string {
  return `nblaunch:${bridge}`;
}

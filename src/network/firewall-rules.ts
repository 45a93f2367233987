import type { AllowEntry } from './allow-entry.js';
import { firewallTag } from './sandbox-names.js';

/** What the rule set of one deployment's bridge depends on. */
export interface FirewallPlan {
  bridge: string;
  /** The operator's exceptions (internal package mirrors). */
  allow: AllowEntry[];
  /** Upstream name servers the embedded resolver forwards to (port 53 stays open to them). */
  nameServers: string[];
  /** The host's own LAN blocks outside blockedIpv4Ranges (its neighbours, whatever their range). */
  hostSubnets: string[];
}

export type IpFamily = 'ipv4' | 'ipv6';

/** A chain nblaunch owns, and the one rule in a chain it does not own that jumps to it. */
export interface OwnChain {
  family: IpFamily;
  name: string;
  /** The built-in or Docker chain the jump is inserted into (at the top). */
  parent: string;
  /** The jump rule's arguments (after `-A <parent>`). */
  jump: string[];
  /** The chain's rules, in order (arguments after `-A <name>`). */
  rules: string[][];
}

/**
 * Destinations no notebook or build may open a connection to: the IPv4 ranges that are internal
 * by definition (RFC 6890: this network, private, shared CGNAT, loopback, link-local with the
 * cloud metadata address, IETF protocol assignments, benchmarking), multicast and reserved. The
 * documentation blocks are not here (nothing real lives there by definition, yet labs use them);
 * the host's own LAN is added whatever its range (hostSubnets), and the host itself is kept out
 * by the INPUT chain, whatever its addresses.
 */
export const blockedIpv4Ranges = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4',
] as const;

const rejectV4 = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'];
const rejectV6 = ['-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited'];
const established = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];

/**
 * The whole rule set of one bridge: four chains of its own, each reached by one jump that
 * matches only traffic coming in from that bridge, so rules of other bridges (other
 * deployments, other test suites) are never touched. Every rule carries the bridge's tag.
 */
export function renderFirewall(plan: FirewallPlan): OwnChain[] {
  const tag = ['-m', 'comment', '--comment', firewallTag(plan.bridge)];
  const chain = (family: IpFamily, suffix: string, parent: string, rules: string[][]): OwnChain => {
    const name = `${plan.bridge}-${suffix}`;
    return { family, name, parent, jump: ['-i', plan.bridge, ...tag, '-j', name], rules: rules.map((rule) => withTag(rule, tag)) };
  };
  const exceptions = [
    ...plan.allow.map((entry) => allowRule(entry)),
    ...plan.nameServers.flatMap((server) => ['udp', 'tcp'].map((protocol) => ['-d', `${server}/32`, '-p', protocol, '-m', protocol, '--dport', '53', '-j', 'RETURN'])),
  ];
  return [
    // Docker jumps to DOCKER-USER first in FORWARD: traffic from the bridge to anywhere but the host.
    chain('ipv4', 'fwd', 'DOCKER-USER', [
      [...established, '-j', 'RETURN'],
      ...exceptions,
      ...[...blockedIpv4Ranges, ...plan.hostSubnets].map((range) => ['-d', range, ...rejectV4]),
    ]),
    // Connections to the host itself (any of its addresses: the gateway, the LAN one, the public one).
    chain('ipv4', 'in', 'INPUT', [
      [...established, '-j', 'RETURN'],
      ...exceptions,
      rejectV4,
    ]),
    // The network has no IPv6; link-local addresses still exist on its interfaces, so refuse all of it.
    chain('ipv6', 'fwd', 'FORWARD', [rejectV6]),
    chain('ipv6', 'in', 'INPUT', [rejectV6]),
  ];
}

function allowRule(entry: AllowEntry): string[] {
  return entry.port === undefined
    ? ['-d', entry.cidr, '-j', 'RETURN']
    : ['-d', entry.cidr, '-p', 'tcp', '-m', 'tcp', '--dport', String(entry.port), '-j', 'RETURN'];
}

/** The tag goes before the target (`-j ...`), where iptables prints it too. */
function withTag(rule: string[], tag: string[]): string[] {
  const target = rule.indexOf('-j');
  return [...rule.slice(0, target), ...tag, ...rule.slice(target)];
}

/** One line per rule, as an operator would type it: for reports and `--print`. */
export function describeRule(family: IpFamily, chain: string, args: string[]): string {
  return `${family === 'ipv4' ? 'iptables' : 'ip6tables'} -A ${chain} ${args.map((arg) => (/[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`;
}

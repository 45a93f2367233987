import { lookup } from 'node:dns/promises';
import { classifyAddress } from '../net/address-class.js';
import { repoNotFound } from './git-failures.js';
import { isHttpAllowed } from './url-policy.js';

export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Where git may go for a URL: the URL as the checks read it, and curl's pinned addresses (`host:port:addr`). */
export interface EgressTarget {
  url: string;
  pins: string[];
}

export interface EgressPolicy {
  /** Hosts (host or host:port) that may be on any address: loopback test servers, an internal GitLab. */
  allowedHosts: readonly string[];
  resolve?: Resolver;
  /** Told why a host was refused (for the log; the client never learns it). */
  onRefused?: (host: string, why: string) => void;
}

/**
 * The one rule for every URL the launcher itself fetches: the host must resolve to public
 * addresses only, unless it is allowed by name. The answer for a refused host is the answer for
 * one that does not exist, given before any connection, so open and closed ports of internal
 * hosts look alike. The addresses checked are the addresses curl is pinned to (DNS rebinding).
 */
export async function egressTarget(url: URL, policy: EgressPolicy): Promise<EgressTarget> {
  if (isHttpAllowed(url, policy.allowedHosts)) return { url: url.href, pins: [] };
  const refuse = (why: string) => {
    policy.onRefused?.(url.host, why);
    return repoNotFound(url.href);
  };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = classifyAddress(host);
  if (literal !== null) {
    if (literal !== 'public') throw refuse(`a ${literal} address`);
    return { url: url.href, pins: [] };
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(host);
  } catch {
    throw refuse('no address');
  }
  const classes = addresses.map((address) => classifyAddress(address) ?? 'reserved');
  const blocked = classes.find((kind) => kind !== 'public');
  if (addresses.length === 0 || blocked) throw refuse(blocked ? `resolves to a ${blocked} address` : 'no address');
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  return { url: url.href, pins: [`${host}:${port}:${addresses.map((address) => (address.includes(':') ? `[${address}]` : address)).join(',')}`] };
}

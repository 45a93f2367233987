import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

/**
 * The IPv4 name servers Docker's embedded resolver forwards to. It sends those queries from the
 * container's own network namespace, so a private resolver (a cloud's 10.x.0.2, a LAN router)
 * needs its port 53 let through; a loopback one (systemd-resolved) is asked from the host's
 * namespace, and Docker then takes the upstream list systemd-resolved keeps.
 */
export function upstreamNameServers(files = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf']): string[] {
  for (const file of files) {
    const servers = nameServersIn(file).filter((server) => !server.startsWith('127.'));
    if (servers.length > 0) return servers;
  }
  return [];
}

function nameServersIn(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1]).filter((server): server is string => !!server && isIPv4(server));
}

import { isIPv4 } from 'node:net';

/** One operator allow-list entry: an IPv4 address or CIDR block, optionally one TCP port. */
export interface AllowEntry {
  /** `a.b.c.d/len` */
  cidr: string;
  port?: number;
}

const entryPattern = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?::(\d{1,5}))?$/;

/** `10.1.2.3:3141`, `192.168.0.0/24`, `10.0.0.5`; undefined when the text is none of these. */
export function parseAllowEntry(text: string): AllowEntry | undefined {
  const match = entryPattern.exec(text.trim());
  if (!match) return undefined;
  const [, address, length, port] = match;
  const bits = length === undefined ? 32 : Number(length);
  const portNumber = port === undefined ? undefined : Number(port);
  if (!isIPv4(address!) || bits > 32 || (portNumber !== undefined && (portNumber < 1 || portNumber > 65535))) return undefined;
  return { cidr: `${networkAddress(address!, bits)}/${bits}`, ...(portNumber !== undefined ? { port: portNumber } : {}) };
}

/** The first address of the block `address/bits` (what iptables keeps of `10.1.2.3/24`: 10.1.2.0/24). */
export function networkAddress(address: string, bits: number): string {
  const value = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (value & mask) >>> 0;
  return [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.');
}

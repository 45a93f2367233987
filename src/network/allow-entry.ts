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
  return { cidr: `${address}/${bits}`, ...(portNumber !== undefined ? { port: portNumber } : {}) };
}

export function formatAllowEntry(entry: AllowEntry): string {
  return `${entry.cidr}${entry.port !== undefined ? `:${entry.port}` : ''}`;
}

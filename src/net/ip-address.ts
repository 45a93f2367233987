import { isIPv6 } from 'node:net';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * IPv4 in every form inet_aton (and so curl and the WHATWG URL parser) accepts: 1 to 4 parts,
 * each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes
 * (127.1, 0x7f.1, 2130706433, 0177.0.0.1). Null when it is not one.
 */
export function parseIpv4(text: string): IpBytes | null {
  const parts = text.replace(/\.$/, '').split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return null;
    if (!Number.isSafeInteger(value)) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((value) => value > 255) || last >= 256 ** (4 - values.length)) return null;
  const bytes = new Uint8Array(4);
  values.forEach((value, index) => { bytes[index] = value; });
  for (let index = 3, rest = last; index >= values.length; index -= 1, rest = Math.floor(rest / 256)) bytes[index] = rest % 256;
  return bytes;
}

/** IPv6 (with or without brackets, a zone, or a dotted IPv4 tail) to 16 bytes. Null when it is not one. */
export function parseIpv6(text: string): IpBytes | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  let groups = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (dotted) {
    const v4 = parseIpv4(dotted)!;
    groups = `${bare.slice(0, -dotted.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headParts.length - tailParts.length;
  const all = [...headParts, ...Array<string>(zeros).fill('0'), ...tailParts];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** Either kind, IPv4 in any inet_aton form. */
export function parseIp(text: string): IpBytes | null {
  return parseIpv6(text) ?? parseIpv4(text);
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64), or null. */
export function embeddedIpv4(bytes: IpBytes): IpBytes | null {
  if (bytes.length !== 16) return null;
  const startsWith = (prefix: number[]) => prefix.every((value, index) => bytes[index] === value);
  const zeros = (count: number) => Array<number>(count).fill(0);
  if (startsWith([...zeros(10), 0xff, 0xff]) || startsWith(zeros(12)) || startsWith([0, 0x64, 0xff, 0x9b, ...zeros(8)])) return bytes.slice(12);
  if (startsWith([0x20, 0x02])) return bytes.slice(2, 6);
  return null;
}

export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index]! << 8) | bytes[index + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

import { embeddedIpv4, parseIp, type IpBytes } from './ip-address.js';

/** Where an address leads: only `public` is somewhere the launcher may fetch from on a user's behalf. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'shared' | 'multicast' | 'unspecified' | 'reserved';

type Block = [prefix: number[], bits: number, kind: AddressClass];

// IANA's special-purpose registries (RFC 6890 and later), the blocks that are not the internet.
const ipv4Blocks: Block[] = [
  [[0], 8, 'unspecified'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'shared'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link-local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'reserved'],
  [[192, 0, 2], 24, 'reserved'],
  [[192, 88, 99], 24, 'reserved'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'reserved'],
  [[198, 51, 100], 24, 'reserved'],
  [[203, 0, 113], 24, 'reserved'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
];

const ipv6Blocks: Block[] = [
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'],
  [[0x20, 0x01, 0, 0], 32, 'reserved'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'],
  [[0xfc], 7, 'private'],
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'private'],
  [[0xff], 8, 'multicast'],
];

function inBlock(bytes: IpBytes, [prefix, bits]: Block): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyBytes(bytes: IpBytes): AddressClass {
  if (bytes.length === 16) {
    if (bytes.every((value, index) => value === 0 || (index === 15 && value === 1))) return bytes[15] === 1 ? 'loopback' : 'unspecified';
    const v4 = embeddedIpv4(bytes);
    if (v4) return classifyBytes(v4);
    return ipv6Blocks.find((block) => inBlock(bytes, block))?.[2] ?? 'public';
  }
  if (bytes.every((value) => value === 255)) return 'reserved';
  return ipv4Blocks.find((block) => inBlock(bytes, block))?.[2] ?? 'public';
}

/** The class of an IP address in any form curl would connect to (127.1, 0x7f.1, 2130706433, [::ffff:127.0.0.1]); null when not an address. */
export function classifyAddress(text: string): AddressClass | null {
  const bytes = parseIp(text);
  return bytes ? classifyBytes(bytes) : null;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress } from './address-class.js';

describe('classifyAddress', () => {
  const cases: Array<[string, string | null]> = [
    ['127.0.0.1', 'loopback'], ['127.1', 'loopback'], ['0x7f.1', 'loopback'], ['0x7f000001', 'loopback'], ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'], ['127.0.0.1.', 'loopback'], ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'], ['[::1]', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'], ['[::ffff:7f00:1]', 'loopback'], ['::127.0.0.1', 'loopback'], ['64:ff9b::127.0.0.1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['0.0.0.0', 'unspecified'], ['0', 'unspecified'], ['::', 'unspecified'], ['[::]', 'unspecified'],
    ['10.0.0.5', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
    ['::ffff:10.1.2.3', 'private'], ['::ffff:192.168.0.1', 'private'], ['fd00::1', 'private'], ['fc00::', 'private'],
    ['169.254.169.254', 'link-local'], ['0xa9fea9fe', 'link-local'], ['::ffff:169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'shared'], ['100.127.255.254', 'shared'],
    ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'], ['240.0.0.1', 'reserved'], ['192.0.2.1', 'reserved'], ['2001:db8::1', 'reserved'],
    ['8.8.8.8', 'public'], ['140.82.112.3', 'public'], ['172.32.0.1', 'public'], ['100.128.0.1', 'public'], ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['example.org', null], ['127.0.0.1.example.org', null], ['256.0.0.1', null], ['1.2.3.4.5', null], ['', null], ['0x', 'unspecified'],
  ];
  for (const [address, expected] of cases) {
    it(`${address || '(empty)'} is ${expected ?? 'not an address'}`, () => {
      assert.equal(classifyAddress(address), expected);
    });
  }

  it('agrees with the WHATWG URL parser on the IPv4 forms it canonicalises', () => {
    for (const host of ['127.1', '0x7f.1', '2130706433', '0177.0.0.1', '169.254.169.254', '0xa9fea9fe']) {
      assert.equal(classifyAddress(new URL(`https://${host}/`).hostname), classifyAddress(host), host);
    }
  });
});

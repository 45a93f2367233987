import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllowEntry } from './allow-entry.js';
import { upstreamNameServers } from './dns-servers.js';
import { blockedIpv4Ranges, renderFirewall } from './firewall-rules.js';
import { hostSubnets } from './host-subnets.js';
import { firewallTag, sandboxBridgeName, sandboxNetworkName } from './sandbox-names.js';

const plan = { bridge: 'nbl-demo', allow: [{ cidr: '10.1.2.3/32', port: 3141 }, { cidr: '192.168.0.0/24' }], nameServers: ['10.0.0.2'], hostSubnets: ['192.0.2.0/24'] };

describe('the notebook network\'s names', () => {
  it('names the network after the instance and keeps the bridge within 15 characters, distinct per instance', () => {
    assert.equal(sandboxNetworkName('default'), 'nblaunch-default');
    assert.equal(sandboxBridgeName('default'), 'nbl-default');
    const long = ['workshop-room-a', 'workshop-room-b', 'a'.repeat(31)];
    const bridges = long.map(sandboxBridgeName);
    for (const bridge of bridges) assert.ok(bridge.length <= 15 && /^nbl-[a-z0-9-]+$/.test(bridge), bridge);
    assert.equal(new Set(bridges).size, bridges.length);
  });
});

describe('allow-list entries', () => {
  it('reads addresses, blocks and ports, and refuses anything else', () => {
    assert.deepEqual(parseAllowEntry('10.1.2.3:3141'), { cidr: '10.1.2.3/32', port: 3141 });
    assert.deepEqual(parseAllowEntry('192.168.0.0/24'), { cidr: '192.168.0.0/24' });
    assert.deepEqual(parseAllowEntry('10.1.2.3/24:8080'), { cidr: '10.1.2.0/24', port: 8080 }, 'kept as iptables keeps it');
    for (const bad of ['mirror.local:80', '10.1.2.3:0', '10.1.2.300', '10.0.0.0/33', '::1', '10.1.2.3:70000', '10.1.2.3 -j ACCEPT']) {
      assert.equal(parseAllowEntry(bad), undefined, bad);
    }
  });
});

describe('the rule set', () => {
  const chains = renderFirewall(plan);
  const forward = chains.find((chain) => chain.family === 'ipv4' && chain.parent === 'DOCKER-USER')!;
  const input = chains.find((chain) => chain.family === 'ipv4' && chain.parent === 'INPUT')!;

  it('reaches its own chains only from its own bridge, and tags every rule', () => {
    for (const chain of chains) {
      assert.deepEqual(chain.jump.slice(0, 2), ['-i', 'nbl-demo']);
      assert.ok(chain.name.startsWith('nbl-demo-') && chain.name.length <= 28);
      for (const rule of [chain.jump, ...chain.rules]) {
        assert.ok(rule.join(' ').includes(`--comment ${firewallTag('nbl-demo')}`), rule.join(' '));
        assert.equal(rule[rule.indexOf('-j') - 1], firewallTag('nbl-demo'), 'the tag comes before the target');
      }
    }
    assert.deepEqual(chains.map((chain) => `${chain.family} ${chain.parent}`), ['ipv4 DOCKER-USER', 'ipv4 INPUT', 'ipv6 FORWARD', 'ipv6 INPUT']);
  });

  it('lets replies, the allow list and DNS to the upstream name servers through before refusing the internal ranges and the host\'s LAN', () => {
    const lines = forward.rules.map((rule) => rule.join(' '));
    assert.match(lines[0]!, /--ctstate RELATED,ESTABLISHED .* -j RETURN$/);
    const firstReject = lines.findIndex((line) => line.includes('REJECT'));
    const exceptions = lines.slice(1, firstReject);
    assert.ok(exceptions.some((line) => line.startsWith('-d 10.1.2.3/32 -p tcp -m tcp --dport 3141 ')));
    assert.ok(exceptions.some((line) => line.startsWith('-d 192.168.0.0/24 -m comment')));
    assert.ok(exceptions.some((line) => line.startsWith('-d 10.0.0.2/32 -p udp -m udp --dport 53 ')));
    const refused = lines.slice(firstReject).map((line) => line.split(' ')[1]);
    assert.deepEqual(refused, [...blockedIpv4Ranges, '192.0.2.0/24']);
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '224.0.0.0/4']) {
      assert.ok(refused.includes(range), range);
    }
  });

  it('refuses every new connection to the host itself but the exceptions, and all IPv6', () => {
    const lines = input.rules.map((rule) => rule.join(' '));
    assert.match(lines.at(-1)!, /^-m comment --comment nblaunch:nbl-demo -j REJECT/);
    assert.equal(lines.filter((line) => line.includes('REJECT')).length, 1);
    for (const chain of chains.filter((each) => each.family === 'ipv6')) {
      assert.deepEqual(chain.rules, [['-m', 'comment', '--comment', 'nblaunch:nbl-demo', '-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited']]);
    }
  });
});

describe('what the plan reads off the host', () => {
  it('takes the host\'s LAN blocks the fixed list misses, not loopback or Docker bridges', () => {
    const address = (cidr: string, internal = false) => ({ address: cidr.split('/')[0]!, cidr, family: 'IPv4' as const, internal, netmask: '', mac: '' });
    assert.deepEqual(hostSubnets({
      lo: [address('127.0.0.1/8', true)], eth0: [address('203.0.113.7/29')], docker0: [address('172.17.0.1/16')], wlan: [address('192.168.1.20/24')],
    }), ['203.0.113.0/29']);
  });

  it('takes the name servers off resolv.conf, falling back to systemd-resolved\'s upstream list when only loopback is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nblaunch-dns-'));
    writeFileSync(join(dir, 'stub'), 'nameserver 127.0.0.53\noptions edns0\n');
    writeFileSync(join(dir, 'upstream'), '# from DHCP\nnameserver 10.0.0.2\nnameserver 2001:db8::53\nnameserver 192.168.1.1\n');
    assert.deepEqual(upstreamNameServers([join(dir, 'stub'), join(dir, 'upstream')]), ['10.0.0.2', '192.168.1.1']);
    assert.deepEqual(upstreamNameServers([join(dir, 'missing')]), []);
  });
});

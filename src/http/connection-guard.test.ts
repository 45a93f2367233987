import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { addressKey, connectionLimits } from './connection-guard.js';
import { openFilesLimit } from './open-files-limit.js';

describe('connection limits', () => {
  it('reads the soft open-files limit from /proc/self/limits, with a fallback', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nblaunch-limits-'));
    try {
      const file = join(dir, 'limits');
      writeFileSync(file, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            4096                 524288               files\n');
      assert.equal(openFilesLimit(file), 4096);
      writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
      assert.equal(openFilesLimit(file, 1024), 1024);
      assert.equal(openFilesLimit(join(dir, 'missing'), 777), 777);
      assert.ok(openFilesLimit() > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the global cap below the fds and one address below the global cap minus the reserve', () => {
    const config = loadConfig({ env: {}, overrides: {} });
    const roomy = connectionLimits(config, 20_000);
    assert.equal(roomy.maxConnections, 9872);
    assert.equal(roomy.maxPerAddress, 1500);
    const tight = connectionLimits(config, 1024);
    assert.equal(tight.maxConnections, 384);
    assert.ok(tight.maxPerAddress <= tight.maxConnections - tight.reserve);
  });

  it('counts IPv4 (mapped or not) per address and IPv6 per /64', () => {
    assert.equal(addressKey('::ffff:127.0.0.2'), '127.0.0.2');
    assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:bbbb::9'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSecretKey } from './secret-key-file.js';
import { TokenSealer } from './token-sealer.js';

describe('sealing tokens kept in Redis', () => {
  it('seals a token so that its text is not in what is stored, and opens it again', () => {
    const sealer = TokenSealer.withRandomKey();
    const token = 'a3f1c9e2b7d4a3f1c9e2b7d4a3f1c9e2b7d4a3f1c9e2b7d4';
    const sealed = sealer.seal(token);
    assert.ok(!sealed.includes(token));
    assert.notEqual(sealer.seal(token), sealed, 'a fresh nonce each time');
    assert.equal(sealer.open(sealed), token);
    assert.equal(sealer.open(token), token, 'a record stored before sealing reads as it is');
  });

  it('refuses to open what another key sealed, or what was changed', () => {
    const sealed = TokenSealer.withRandomKey().seal('secret-token');
    assert.throws(() => TokenSealer.withRandomKey().open(sealed), { reason: 'secret-key-mismatch' });
    const sealer = TokenSealer.withRandomKey();
    const mine = sealer.seal('secret-token');
    assert.throws(() => sealer.open(`${mine.slice(0, -2)}AA`), { reason: 'secret-key-mismatch' });
  });

  it('keeps its key in a file made once with mode 0600, read again by every later start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsignin-key-'));
    try {
      const path = join(dir, 'data', 'secret.key');
      const key = loadSecretKey(path);
      assert.equal(key.length, 32);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadSecretKey(path), key);
      writeFileSync(join(dir, 'bad.key'), 'short\n');
      assert.throws(() => loadSecretKey(join(dir, 'bad.key')), /not an nblaunch secret key/);
      assert.match(readFileSync(path, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSecret, newPublicId, newSecret, sameSecret, secretPattern } from './secrets.js';

describe('secrets', () => {
  it('are 32 random bytes in base64url: 43 URL-safe characters, never repeated', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => newSecret()));
    assert.equal(secrets.size, 200);
    for (const secret of secrets) {
      assert.match(secret, secretPattern);
      assert.equal(Buffer.from(secret, 'base64url').length, 32);
    }
  });

  it('are stored as a SHA-256 in hex: the same secret gives the same hash, another secret another', () => {
    const secret = newSecret();
    assert.match(hashSecret(secret), /^[0-9a-f]{64}$/);
    assert.equal(hashSecret(secret), hashSecret(secret));
    assert.notEqual(hashSecret(secret), hashSecret(newSecret()));
    assert.notEqual(hashSecret(secret), secret);
    assert.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'the standard SHA-256 test vector');
  });

  it('compares in constant time, and different lengths are simply unequal', () => {
    const secret = newSecret();
    assert.equal(sameSecret(secret, secret), true);
    assert.equal(sameSecret(secret, newSecret()), false);
    assert.equal(sameSecret(secret, secret.slice(1)), false);
    assert.equal(sameSecret('', secret), false);
  });

  it('makes public ids of 16 lower-case letters and digits', () => {
    assert.match(newPublicId(), /^[0-9a-z]{16}$/);
    assert.notEqual(newPublicId(), newPublicId());
  });
});

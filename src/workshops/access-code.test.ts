import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessCodeMatches, newAccessCode, normaliseAccessCode } from './access-code.js';

describe('workshop access codes', () => {
  it('are eight easy-to-read characters in two groups, and differ each time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newAccessCode()));
    assert.equal(codes.size, 200);
    for (const code of codes) assert.match(code, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
  });

  it('match whatever the case, spaces and dashes of what was typed', () => {
    assert.equal(normaliseAccessCode(' k7pq - 4xmd '), 'K7PQ4XMD');
    for (const typed of ['K7PQ-4XMD', 'k7pq4xmd', 'K7PQ 4XMD', ' k7pq-4xmd ']) assert.equal(accessCodeMatches('K7PQ-4XMD', typed), true, typed);
    for (const typed of ['K7PQ-4XME', 'K7PQ-4XM', '', 'intro-py']) assert.equal(accessCodeMatches('K7PQ-4XMD', typed), false, typed);
    assert.equal(accessCodeMatches(undefined, ''), false, 'a workshop without a code signs nobody in by code');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attendeeCookie, readCookie, serializeCookie } from './cookies.js';

describe('cookies', () => {
  it('are HttpOnly, SameSite=Lax, for the whole site unless a path is given, with a lifetime; Secure when asked', () => {
    assert.equal(serializeCookie('a', 'v', { secure: false, maxAgeSeconds: 3600 }), 'a=v; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax');
    assert.equal(serializeCookie('a', 'v', { secure: true, maxAgeSeconds: 60.7 }), 'a=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
    assert.equal(serializeCookie('a', 'v', { secure: false, maxAgeSeconds: 60, path: '/s/abc123/' }), 'a=v; Path=/s/abc123/; Max-Age=60; HttpOnly; SameSite=Lax');
  });

  it('have one name per workshop', () => {
    assert.equal(attendeeCookie('intro-py'), 'nblaunch_w_intro-py');
    assert.notEqual(attendeeCookie('a1'), attendeeCookie('a2'));
  });

  it('are read back from a Cookie header by exact name', () => {
    const header = 'nblaunch_w_a=1; nblaunch_w_ab=2;  other = x=y ; broken';
    assert.equal(readCookie(header, 'nblaunch_w_a'), '1');
    assert.equal(readCookie(header, 'nblaunch_w_ab'), '2');
    assert.equal(readCookie(header, 'other'), 'x=y');
    assert.equal(readCookie(header, 'missing'), undefined);
    assert.equal(readCookie(undefined, 'a'), undefined);
  });
});

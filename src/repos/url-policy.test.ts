import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { assertSafeCloneUrl, assertSafeRef } from './url-policy.js';

function refused(reason: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof LauncherError, `expected a LauncherError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.reason, reason);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('assertSafeCloneUrl', () => {
  const injections: Array<[string, RegExp]> = [
    ['ext::sh -c touch% /tmp/pwned', /whitespace|remote helper/],
    ['ext::sh', /remote helper/],
    ['file:///etc', /file:\/\//],
    ['ssh://x/y', /ssh:\/\//],
    ['git@github.com:o/r', /ssh address/],
    ['git://github.com/o/r', /git:\/\//],
    ['-uhttps://x', /starts with "-"/],
    ['--upload-pack=touch /tmp/x', /starts with "-"/],
    ['https://user:pw@host/x', /user name or password/],
    ['https://token@host/x', /user name or password/],
    ['https://host/x\n--upload-pack=touch', /control characters/],
    ['https://host/x\ty', /control characters/],
    ['https://host/x y', /whitespace/],
    ['https://evil.example\\@github.com/o/r', /backslash/],
    ['https:///x', /no host/],
    ['https://', /no host/],
    ['github.com/o/r', /https:\/\/ is missing/],
    ['', /empty/],
  ];
  for (const [url, problem] of injections) {
    it(`refuses ${JSON.stringify(url)}`, () => {
      assert.throws(() => assertSafeCloneUrl(url, ['127.0.0.1:8080']), refused('unsafe-url', problem));
    });
  }

  it('never echoes a refused password', () => {
    assert.throws(() => assertSafeCloneUrl('https://user:s3cret@host/x', []), (error: Error) => !error.message.includes('s3cret'));
  });

  it('refuses plain http to a host that is not listed, naming the setting', () => {
    assert.throws(() => assertSafeCloneUrl('http://example.org/r.git', []), refused('unsafe-url', /git\.allowHttpHosts/));
    assert.throws(() => assertSafeCloneUrl('http://127.0.0.1:9999/r.git', ['127.0.0.1:8080']), refused('unsafe-url'));
  });

  it('allows https anywhere', () => {
    assert.equal(assertSafeCloneUrl('https://github.com/o/r.git', []).href, 'https://github.com/o/r.git');
    assert.equal(assertSafeCloneUrl('https://git.example.org:8443/a/b', []).port, '8443');
  });

  it('allows http to a listed host:port, or to any port of a listed host', () => {
    assert.equal(assertSafeCloneUrl('http://127.0.0.1:8080/r.git', ['127.0.0.1:8080']).host, '127.0.0.1:8080');
    assert.equal(assertSafeCloneUrl('http://localhost:4000/r.git', ['LOCALHOST']).hostname, 'localhost');
    assert.equal(assertSafeCloneUrl('http://[::1]:4000/r.git', ['[::1]:4000']).hostname, '[::1]');
  });
});

describe('assertSafeRef', () => {
  const bad: Array<[string, RegExp]> = [
    ['--orphan', /starts with "-"/],
    ['-b', /starts with "-"/],
    ['a..b', /"\.\."/],
    ['x y', /space/],
    ['x\ny', /control/],
    ['main~1', /~/],
    ['HEAD^', /\^/],
    ['a:b', /:/],
    ['what?', /\?/],
    ['*', /\*/],
    ['[x', /\[/],
    ['a\\b', /\\/],
    ['main@{1}', /@\{/],
    ['x.lock', /\.lock/],
    ['feature/', /ends with "\/"/],
    ['/main', /empty path component/],
    ['a//b', /empty path component/],
    ['.hidden', /starting with "\."/],
    ['@', /"@"/],
    ['', /empty/],
    ['a'.repeat(256), /255/],
  ];
  for (const [ref, problem] of bad) {
    it(`refuses ${JSON.stringify(ref.length > 20 ? `${ref.slice(0, 20)}…` : ref)}`, () => {
      assert.throws(() => assertSafeRef(ref), refused('bad-spec', problem));
    });
  }

  it('explains what a ref may be', () => {
    assert.throws(() => assertSafeRef('--orphan'), refused('bad-spec', /branch or tag name.*commit SHA.*HEAD/));
  });

  for (const ref of ['refs/heads/ok', 'feature/x', 'main', 'HEAD', 'v1.0.2', '0a1b2c3', 'a'.repeat(40), 'release-2024_01', 'user@host']) {
    it(`accepts ${JSON.stringify(ref)}`, () => {
      assert.equal(assertSafeRef(ref), ref);
    });
  }
});

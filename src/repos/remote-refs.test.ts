import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lsRemotePatterns, parseLsRemote, pickCommit } from './remote-refs.js';

const sha = (digit: string) => digit.repeat(40);

const listing = [
  `${sha('1')}\tHEAD`,
  `${sha('1')}\trefs/heads/main`,
  `${sha('2')}\trefs/heads/v1`,
  `${sha('3')}\trefs/tags/v1`,
  `${sha('4')}\trefs/tags/v1^{}`,
  `${sha('5')}\trefs/heads/feature/x`,
  `${sha('6')}\trefs/heads/other/feature/x`,
  'not a line',
  '',
].join('\n');

describe('remote refs', () => {
  it('parses ls-remote output and skips anything else', () => {
    const refs = parseLsRemote(listing);
    assert.equal(refs.size, 7);
    assert.equal(refs.get('refs/tags/v1^{}'), sha('4'));
  });

  it('picks HEAD, branches by exact name, and a peeled tag over the tag object and a same-named branch (as git does)', () => {
    const refs = parseLsRemote(listing);
    assert.equal(pickCommit(refs, 'HEAD'), sha('1'));
    assert.equal(pickCommit(refs, 'main'), sha('1'));
    assert.equal(pickCommit(refs, 'v1'), sha('4'));
    assert.equal(pickCommit(refs, 'heads/v1'), sha('2'));
    assert.equal(pickCommit(refs, 'refs/heads/v1'), sha('2'));
    assert.equal(pickCommit(refs, 'feature/x'), sha('5'));
    assert.equal(pickCommit(refs, 'x'), undefined, 'ls-remote matches tails; a ref must match a whole name');
    assert.equal(pickCommit(refs, 'nope'), undefined);
  });

  it('asks ls-remote for the places a name may live, peeled tags included', () => {
    assert.deepEqual(lsRemotePatterns('HEAD'), ['HEAD']);
    assert.deepEqual(lsRemotePatterns('main'), [
      'refs/main', 'refs/main^{}', 'refs/tags/main', 'refs/tags/main^{}', 'refs/heads/main', 'refs/heads/main^{}',
    ]);
  });
});

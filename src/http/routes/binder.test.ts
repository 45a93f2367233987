import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpec } from '../../repos/repo-spec.js';
import { refUrl, targetPath } from './binder.js';

const settings = {
  repos: { githubUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', gistUrl: 'https://gist.github.com' },
  git: { allowHttpHosts: [] },
};

describe('targetPath: where a launched server opens', () => {
  it('defaults to the notebook tree', () => {
    assert.equal(targetPath({}), 'tree');
  });

  it('takes urlpath as given, without a leading slash', () => {
    assert.equal(targetPath({ urlpath: '/notebooks/intro.ipynb' }), 'notebooks/intro.ipynb');
    assert.equal(targetPath({ urlpath: ['terminals/1', 'ignored'] }), 'terminals/1');
  });

  it('opens labpath and filepath through the classic tree, which shows the file', () => {
    assert.equal(targetPath({ labpath: 'slides/demo.ipynb' }), 'tree/slides/demo.ipynb');
    assert.equal(targetPath({ filepath: 'README.md' }), 'tree/README.md');
    assert.equal(targetPath({ urlpath: 'lab', labpath: 'x.ipynb' }), 'lab', 'urlpath wins, as in BinderHub');
  });
});

describe('refUrl: the web page of the launched commit', () => {
  const sha = 'a'.repeat(40);
  it('points at the tree of the commit for GitHub and GitLab, and the revision for a gist', () => {
    assert.equal(refUrl(parseSpec('gh', 'owner/repo/main', settings), sha), `https://github.com/owner/repo/tree/${sha}`);
    assert.equal(refUrl(parseSpec('gl', 'group%2Fproject/main', settings), sha), `https://gitlab.com/group/project/-/tree/${sha}`);
    assert.equal(refUrl(parseSpec('gist', 'someone/0123abcd', settings), sha), `https://gist.github.com/someone/0123abcd/${sha}`);
  });

  it('falls back to the repository itself for plain git URLs', () => {
    const repo = parseSpec('git', `${encodeURIComponent('https://git.example.org/team/project.git')}/main`, settings);
    assert.equal(refUrl(repo, sha), 'https://git.example.org/team/project');
  });
});

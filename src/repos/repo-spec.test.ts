import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { parseSpec, specFromUrl, specWithRef, type RepoSettings } from './repo-spec.js';

const settings: RepoSettings = {
  repos: { githubUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', gistUrl: 'https://gist.github.com' },
  git: { allowHttpHosts: ['127.0.0.1:8080'] },
};

function badSpec(pattern: RegExp, reason = 'bad-spec') {
  return (error: unknown) => {
    assert.ok(error instanceof LauncherError, `expected a LauncherError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.reason, reason);
    assert.match(error.message, pattern);
    return true;
  };
}

const validSlug = /^[a-z0-9-]{1,60}$/;

describe('parseSpec: gh', () => {
  it('reads owner, repo and ref', () => {
    assert.deepEqual(parseSpec('gh', 'jupyterlab/jupyterlab-demo/HEAD', settings), {
      provider: 'gh',
      spec: 'jupyterlab/jupyterlab-demo/HEAD',
      cloneUrl: 'https://github.com/jupyterlab/jupyterlab-demo.git',
      ref: 'HEAD',
      displayName: 'jupyterlab/jupyterlab-demo',
      slug: parseSpec('gh', 'jupyterlab/jupyterlab-demo/main', settings).slug,
      repoUrl: 'https://github.com/jupyterlab/jupyterlab-demo',
    });
  });

  it('takes everything after the second slash as the ref, escaped or not', () => {
    assert.equal(parseSpec('gh', 'o/r/feature/x/y', settings).ref, 'feature/x/y');
    assert.equal(parseSpec('gh', 'o/r/feature%2Fx', settings).ref, 'feature/x');
    assert.equal(parseSpec('gh', 'o/r/feature%2Fx', settings).spec, 'o/r/feature/x');
  });

  it('drops a trailing .git from the repo name', () => {
    const repo = parseSpec('gh', 'o/r.git/main', settings);
    assert.equal(repo.spec, 'o/r/main');
    assert.equal(repo.displayName, 'o/r');
    assert.equal(repo.cloneUrl, 'https://github.com/o/r.git');
  });

  it('uses the configured GitHub address (an enterprise server or a test server)', () => {
    const repo = parseSpec('gh', 'o/r/main', { ...settings, repos: { ...settings.repos, githubUrl: 'http://127.0.0.1:8080/' } });
    assert.equal(repo.cloneUrl, 'http://127.0.0.1:8080/o/r.git');
    assert.equal(repo.repoUrl, 'http://127.0.0.1:8080/o/r');
  });

  it('refuses a missing ref, owner or repo with the expected form', () => {
    assert.throws(() => parseSpec('gh', 'o/r', settings), badSpec(/has no ref.*\/v2\/gh\/<owner>\/<repo>\/<ref>/));
    assert.throws(() => parseSpec('gh', 'o/r/', settings), badSpec(/has no ref/));
    assert.throws(() => parseSpec('gh', '/r/main', settings), badSpec(/no valid owner/));
    assert.throws(() => parseSpec('gh', 'o//main', settings), badSpec(/no valid repository/));
    assert.throws(() => parseSpec('gh', 'o/../main', settings), badSpec(/no valid repository/));
    assert.throws(() => parseSpec('gh', '', settings), badSpec(/no valid owner/));
  });

  it('refuses an unsafe ref and a broken escape', () => {
    assert.throws(() => parseSpec('gh', 'o/r/--orphan', settings), badSpec(/starts with "-"/));
    assert.throws(() => parseSpec('gh', 'o/r/a%20b', settings), badSpec(/space/));
    assert.throws(() => parseSpec('gh', 'o/r/%E0%A4%A', settings), badSpec(/broken %-escape/));
  });

  it('refuses a plain-http GitHub address that is not in git.allowHttpHosts', () => {
    const insecure = { ...settings, repos: { ...settings.repos, githubUrl: 'http://github.example.org' } };
    assert.throws(() => parseSpec('gh', 'o/r/main', insecure), badSpec(/allowHttpHosts/, 'unsafe-url'));
  });
});

describe('parseSpec: gl', () => {
  it('reads an escaped namespace and the ref after it', () => {
    const repo = parseSpec('gl', 'group%2Fsub%2Fproject/feature/x', settings);
    assert.equal(repo.provider, 'gl');
    assert.equal(repo.displayName, 'group/sub/project');
    assert.equal(repo.ref, 'feature/x');
    assert.equal(repo.spec, 'group%2Fsub%2Fproject/feature/x');
    assert.equal(repo.cloneUrl, 'https://gitlab.com/group/sub/project.git');
    assert.equal(repo.repoUrl, 'https://gitlab.com/group/sub/project');
  });

  it('accepts lower-case escapes and a namespace ending in .git', () => {
    const repo = parseSpec('gl', 'group%2fproject.git/main', settings);
    assert.equal(repo.displayName, 'group/project');
    assert.equal(repo.spec, 'group%2Fproject/main');
  });

  it('refuses an unescaped namespace, a missing ref and odd characters', () => {
    assert.throws(() => parseSpec('gl', 'group/project/main', settings), badSpec(/escaped namespace such as group%2Fproject/));
    assert.throws(() => parseSpec('gl', 'group%2Fproject', settings), badSpec(/has no ref.*\/v2\/gl\/<url-escaped namespace>\/<ref>/));
    assert.throws(() => parseSpec('gl', 'group%2F..%2Fx/main', settings), badSpec(/namespace/));
    assert.throws(() => parseSpec('gl', 'group%2Fpro%20ject/main', settings), badSpec(/namespace/));
  });
});

describe('parseSpec: git', () => {
  it('reads an escaped clone URL (port and path included) and the ref after it', () => {
    const url = 'https://git.example.org:8443/deep/path/repo.git';
    const repo = parseSpec('git', `${encodeURIComponent(url)}/release/1.x`, settings);
    assert.equal(repo.cloneUrl, url);
    assert.equal(repo.ref, 'release/1.x');
    assert.equal(repo.displayName, url);
    assert.equal(repo.repoUrl, url);
    assert.equal(repo.spec, `${encodeURIComponent(url)}/release/1.x`);
    assert.match(repo.slug, /^git-git-example-org-deep-path-repo-[0-9a-f]{6}$/);
  });

  it('allows plain http only to the listed hosts', () => {
    assert.equal(parseSpec('git', `${encodeURIComponent('http://127.0.0.1:8080/r.git')}/HEAD`, settings).cloneUrl, 'http://127.0.0.1:8080/r.git');
    assert.throws(() => parseSpec('git', `${encodeURIComponent('http://127.0.0.1:9/r.git')}/HEAD`, settings), badSpec(/allowHttpHosts/, 'unsafe-url'));
  });

  it('refuses an unescaped URL, a missing ref and unsafe URLs', () => {
    assert.throws(() => parseSpec('git', 'https://example.org/r.git/main', settings), badSpec(/not escaped/));
    assert.throws(() => parseSpec('git', `${encodeURIComponent('https://example.org/r.git')}`, settings), badSpec(/has no ref.*url-escaped clone URL/));
    assert.throws(() => parseSpec('git', `${encodeURIComponent('ext::sh -c id')}/main`, settings), badSpec(/./, 'unsafe-url'));
    assert.throws(() => parseSpec('git', `${encodeURIComponent('file:///etc')}/main`, settings), badSpec(/file:\/\//, 'unsafe-url'));
    assert.throws(() => parseSpec('git', `${encodeURIComponent('--upload-pack=id')}/main`, settings), badSpec(/"-"/, 'unsafe-url'));
  });
});

describe('parseSpec: gist', () => {
  it('reads user and id, with HEAD as the default ref', () => {
    const repo = parseSpec('gist', 'jane/6f1a2b3c4d5e', settings);
    assert.equal(repo.ref, 'HEAD');
    assert.equal(repo.spec, 'jane/6f1a2b3c4d5e/HEAD');
    assert.equal(repo.cloneUrl, 'https://gist.github.com/6f1a2b3c4d5e.git');
    assert.equal(repo.displayName, 'jane/6f1a2b3c4d5e');
    assert.equal(repo.repoUrl, 'https://gist.github.com/jane/6f1a2b3c4d5e');
  });

  it('reads a ref when given', () => {
    const repo = parseSpec('gist', 'jane/6f1a2b3c4d5e/0a1b2c3d', settings);
    assert.equal(repo.ref, '0a1b2c3d');
    assert.equal(repo.spec, 'jane/6f1a2b3c4d5e/0a1b2c3d');
  });

  it('refuses a missing id', () => {
    assert.throws(() => parseSpec('gist', 'jane', settings), badSpec(/gist id.*\/v2\/gist\/<user>\/<gist id>/));
    assert.throws(() => parseSpec('gist', 'jane/not-an-id', settings), badSpec(/gist id/));
  });
});

describe('parseSpec: providers and slugs', () => {
  it('refuses an unknown provider, naming the known ones', () => {
    assert.throws(() => parseSpec('bitbucket', 'o/r/main', settings), badSpec(/Unknown repository provider "bitbucket".*gh.*gl.*git.*gist/));
  });

  it('gives one valid slug per repo, whatever the ref', () => {
    const specs: Array<[string, string]> = [
      ['gh', 'o/r/main'], ['gl', 'group%2Fproject/main'], ['gist', 'jane/6f1a2b3c4d5e'],
      ['git', `${encodeURIComponent('https://example.org/r.git')}/main`],
      ['gh', `${'o'.repeat(90)}/${'r'.repeat(100)}/main`],
    ];
    for (const [provider, spec] of specs) {
      const slug = parseSpec(provider, spec, settings).slug;
      assert.match(slug, validSlug);
      assert.ok(slug.startsWith(`${provider}-`), slug);
      assert.equal(parseSpec(provider, specWithRef(parseSpec(provider, spec, settings), 'v2'), settings).slug, slug);
    }
    assert.match(parseSpec('gh', 'Owner/Repo/main', settings).slug, /^gh-owner-repo-[0-9a-f]{6}$/);
  });

  it('keeps repos apart whose names look alike', () => {
    assert.notEqual(parseSpec('gh', 'a-b/c/main', settings).slug, parseSpec('gh', 'a/b-c/main', settings).slug);
    assert.notEqual(parseSpec('gh', 'o/r/main', settings).slug, parseSpec('gl', 'o%2Fr/main', settings).slug);
  });

  it('treats GitHub names case-insensitively', () => {
    assert.equal(parseSpec('gh', 'Owner/Repo/main', settings).slug, parseSpec('gh', 'owner/repo/main', settings).slug);
  });
});

describe('specWithRef', () => {
  it('replaces the ref and keeps the rest of the spec', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    assert.equal(specWithRef(parseSpec('gh', 'o/r/feature/x', settings), sha), `o/r/${sha}`);
    assert.equal(specWithRef(parseSpec('gl', 'group%2Fproject/main', settings), sha), `group%2Fproject/${sha}`);
    const url = encodeURIComponent('https://example.org/r.git');
    assert.equal(specWithRef(parseSpec('git', `${url}/main`, settings), sha), `${url}/${sha}`);
    assert.equal(specWithRef(parseSpec('gist', 'jane/abc123', settings), sha), `jane/abc123/${sha}`);
    assert.equal(specWithRef(parseSpec('gh', 'o/r/main', settings), 'feature/y'), 'o/r/feature/y');
  });

  it('gives a spec that parses back to the new ref', () => {
    const repo = parseSpec('gl', 'group%2Fproject/main', settings);
    assert.equal(parseSpec('gl', specWithRef(repo, 'v1.0'), settings).ref, 'v1.0');
  });

  it('refuses an unsafe ref', () => {
    assert.throws(() => specWithRef(parseSpec('gh', 'o/r/main', settings), '--orphan'), badSpec(/"-"/));
  });
});

describe('specFromUrl', () => {
  it('reads GitHub addresses, with or without .git, a /tree/<ref>, or a ref given apart', () => {
    assert.equal(specFromUrl('https://github.com/o/r', undefined, settings).spec, 'o/r/HEAD');
    assert.equal(specFromUrl('https://github.com/o/r.git', 'main', settings).spec, 'o/r/main');
    assert.equal(specFromUrl('https://github.com/o/r/', '', settings).spec, 'o/r/HEAD');
    assert.equal(specFromUrl('https://github.com/o/r/tree/feature/x', undefined, settings).spec, 'o/r/feature/x');
    assert.equal(specFromUrl('  https://github.com/o/r  ', ' v1 ', settings).ref, 'v1');
    assert.equal(specFromUrl('https://github.com/o/r', undefined, settings).provider, 'gh');
  });

  it('reads GitLab addresses with subgroups and /-/tree/<ref>', () => {
    const repo = specFromUrl('https://gitlab.com/group/sub/project', undefined, settings);
    assert.equal(repo.provider, 'gl');
    assert.equal(repo.spec, 'group%2Fsub%2Fproject/HEAD');
    assert.equal(specFromUrl('https://gitlab.com/group/project.git', 'dev', settings).spec, 'group%2Fproject/dev');
    assert.equal(specFromUrl('https://gitlab.com/group/project/-/tree/feature/x', undefined, settings).ref, 'feature/x');
  });

  it('reads gist addresses; a clone URL without the user becomes a git spec', () => {
    const gist = specFromUrl('https://gist.github.com/jane/6f1a2b3c4d5e', undefined, settings);
    assert.equal(gist.provider, 'gist');
    assert.equal(gist.spec, 'jane/6f1a2b3c4d5e/HEAD');
    const bare = specFromUrl('https://gist.github.com/6f1a2b3c4d5e.git', undefined, settings);
    assert.equal(bare.provider, 'git');
    assert.equal(bare.cloneUrl, 'https://gist.github.com/6f1a2b3c4d5e.git');
  });

  it('makes any other https URL a git spec', () => {
    const repo = specFromUrl('https://git.example.org:8443/team/repo.git', 'main', settings);
    assert.equal(repo.provider, 'git');
    assert.equal(repo.cloneUrl, 'https://git.example.org:8443/team/repo.git');
    assert.equal(repo.spec, `${encodeURIComponent('https://git.example.org:8443/team/repo.git')}/main`);
    assert.deepEqual(parseSpec('git', repo.spec, settings), repo);
  });

  it('gives the same repo (and slug) as the spec it stands for', () => {
    assert.deepEqual(specFromUrl('https://github.com/o/r', 'main', settings), parseSpec('gh', 'o/r/main', settings));
    assert.deepEqual(specFromUrl('https://gitlab.com/g/p', 'main', settings), parseSpec('gl', 'g%2Fp/main', settings));
  });

  it('refuses unsafe addresses and addresses that name no repository', () => {
    assert.throws(() => specFromUrl('git@github.com:o/r.git', undefined, settings), badSpec(/ssh/, 'unsafe-url'));
    assert.throws(() => specFromUrl('http://example.org/r.git', undefined, settings), badSpec(/allowHttpHosts/, 'unsafe-url'));
    assert.throws(() => specFromUrl('https://github.com/o', undefined, settings), badSpec(/does not name a repository/));
    assert.throws(() => specFromUrl('https://gitlab.com/project', undefined, settings), badSpec(/<group>\/<project>/));
    assert.throws(() => specFromUrl('https://github.com/o/r', '--orphan', settings), badSpec(/"-"/));
  });
});

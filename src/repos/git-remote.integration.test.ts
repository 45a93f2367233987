import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { GitHttpServer, type LocalTestRepo } from '../testing/git-http-server.js';
import { runGit } from '../testing/test-repo.js';
import { GitRemote, type GitRemoteOptions } from './git-remote.js';

function launcherError(status: number, reason: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof LauncherError, `expected a LauncherError, got ${String(error)}`);
    assert.equal(error.status, status, error.message);
    assert.equal(error.reason, reason);
    if (message) assert.match(error.message, message);
    return true;
  };
}

const workDirs: string[] = [];

/** A GitRemote with its own empty work dir, so a test can see that nothing was left behind. */
async function gitRemote(options: Partial<GitRemoteOptions> = {}): Promise<{ git: GitRemote; workDir: string }> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'nblaunch-git-remote-test-'));
  workDirs.push(workDir);
  // The git servers of these tests are on loopback: allowed by name, as an operator allows a test server.
  const git = new GitRemote({ cloneTimeoutMs: 20_000, maxCloneBytes: 10 * 1024 * 1024, refCacheMs: 0, workDir, allowPrivateHosts: ['127.0.0.1'], ...options });
  return { git, workDir };
}

after(() => Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Two commits whose SHAs share their first 7 hex digits (a birthday search: ~16k tries, well under a second). */
function commitsSharingAPrefix(): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const body = `tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor T <t@example.org> 1700000000 +0000\ncommitter T <t@example.org> 1700000000 +0000\n\n${i}\n`;
    const prefix = createHash('sha1').update(`commit ${Buffer.byteLength(body)}\0${body}`).digest('hex').slice(0, 7);
    const earlier = seen.get(prefix);
    if (earlier) return [earlier, body];
    seen.set(prefix, body);
  }
}

describe('GitRemote against a loopback git server', () => {
  let server: GitHttpServer;
  let repo: LocalTestRepo;
  let first: string;
  let second: string;
  let tip: string;

  before(async () => {
    server = await GitHttpServer.start();
    repo = await server.createRepo('owner/demo', {
      'README.md': '# first\n',
      'binder/postBuild': { content: '#!/bin/sh\necho built\n', mode: 0o755 },
    });
    first = await repo.head();
    await repo.tag('v1', true);
    await repo.tag('light');
    second = await repo.commit({ 'README.md': '# second\n', 'later.txt': 'added later\n' });
    await repo.branch('feature/x');
    const onFeature = await repo.commit({ 'feature.txt': 'feature\n' });
    assert.notEqual(onFeature, second);
    await repo.checkout('main');
    tip = await repo.commit({ 'README.md': '# tip\n' });
  });

  after(() => server.stop());

  describe('resolveRef', () => {
    it('resolves HEAD, a branch, a branch with a slash and refs/heads/<name>', async () => {
      const { git } = await gitRemote();
      assert.equal(await git.resolveRef(repo.cloneUrl, 'HEAD'), tip);
      assert.equal(await git.resolveRef(repo.cloneUrl, 'main'), tip);
      assert.equal(await git.resolveRef(repo.cloneUrl, 'refs/heads/main'), tip);
      const feature = await git.resolveRef(repo.cloneUrl, 'feature/x');
      assert.match(feature, /^[0-9a-f]{40}$/);
      assert.notEqual(feature, tip);
    });

    it('resolves a lightweight tag, and an annotated tag to its commit (not the tag object)', async () => {
      const { git } = await gitRemote();
      assert.equal(await git.resolveRef(repo.cloneUrl, 'light'), first);
      assert.equal(await git.resolveRef(repo.cloneUrl, 'v1'), first);
      assert.equal(await git.resolveRef(repo.cloneUrl, 'refs/tags/v1'), first);
    });

    it('accepts a full SHA as it is, without asking the server', async () => {
      const { git } = await gitRemote();
      const before = server.requestCount;
      assert.equal(await git.resolveRef(repo.cloneUrl, second), second);
      assert.equal(await git.resolveRef(repo.cloneUrl, second.toUpperCase()), second);
      assert.equal(server.requestCount, before);
    });

    it('resolves a short SHA of a commit that is no branch or tag tip, and leaves no temp repo', async () => {
      const { git, workDir } = await gitRemote();
      assert.equal(await git.resolveRef(repo.cloneUrl, second.slice(0, 7)), second);
      assert.equal(await git.resolveRef(repo.cloneUrl, second.slice(0, 12).toUpperCase()), second);
      assert.deepEqual(await readdir(workDir), []);
    });

    it('asks the server once within refCacheMs, and again when the cache is off', async () => {
      const cached = (await gitRemote({ refCacheMs: 60_000 })).git;
      assert.equal(await cached.resolveRef(repo.cloneUrl, 'main'), tip);
      const afterFirst = server.requestsFor('owner/demo').length;
      assert.ok(afterFirst > 0);
      const [a, b] = await Promise.all([cached.resolveRef(repo.cloneUrl, 'main'), cached.resolveRef(repo.cloneUrl, 'main')]);
      assert.deepEqual([a, b], [tip, tip]);
      assert.equal(server.requestsFor('owner/demo').length, afterFirst, 'the second resolve did not reach the server');

      const uncached = (await gitRemote({ refCacheMs: 0 })).git;
      await uncached.resolveRef(repo.cloneUrl, 'main');
      const count = server.requestsFor('owner/demo').length;
      await uncached.resolveRef(repo.cloneUrl, 'main');
      assert.ok(server.requestsFor('owner/demo').length > count);
    });

    it('shares one lookup between concurrent requests for the same ref', async () => {
      const { git } = await gitRemote({ refCacheMs: 60_000 });
      const before = server.requestCount;
      const shas = await Promise.all(Array.from({ length: 5 }, () => git.resolveRef(repo.cloneUrl, 'light')));
      assert.deepEqual(new Set(shas), new Set([first]));
      const lookups = server.requests.slice(before).filter((request) => request.url.includes('info/refs'));
      assert.equal(lookups.length, 1);
    });

    it('answers 404 repo-not-found for a missing repo and an unreachable server', async () => {
      const { git } = await gitRemote();
      const missing = `${server.baseUrl}/owner/missing.git`;
      await assert.rejects(git.resolveRef(missing, 'HEAD'),
        launcherError(404, 'repo-not-found', /The repository http:\/\/127\.0\.0\.1:\d+\/owner\/missing\.git could not be found or is not public\. Check the address\./));
      await assert.rejects(git.resolveRef('http://127.0.0.1:1/nobody.git', 'HEAD'), launcherError(404, 'repo-not-found'));
    });

    it('answers 404 ref-not-found for an unknown branch and an unknown short SHA', async () => {
      const { git, workDir } = await gitRemote();
      await assert.rejects(git.resolveRef(repo.cloneUrl, 'no-such-branch'),
        launcherError(404, 'ref-not-found', /has no branch, tag or commit named "no-such-branch"/));
      await assert.rejects(git.resolveRef(repo.cloneUrl, 'abcdef0'), launcherError(404, 'ref-not-found', /"abcdef0"/));
      assert.deepEqual(await readdir(workDir), []);
    });

    it('answers 400 for a short SHA that matches two commits', async () => {
      const twins = await server.createRepo('owner/twins', { 'a.txt': 'a\n' });
      const shas = commitsSharingAPrefix().map((body) => execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: twins.bareDir, input: body }).toString().trim());
      await runGit(twins.bareDir, ['update-ref', 'refs/heads/one', shas[0]!]);
      await runGit(twins.bareDir, ['update-ref', 'refs/heads/two', shas[1]!]);
      const { git, workDir } = await gitRemote();
      await assert.rejects(git.resolveRef(twins.cloneUrl, shas[0]!.slice(0, 7)), launcherError(400, 'ambiguous-ref', /more than one commit/));
      assert.equal(await git.resolveRef(twins.cloneUrl, shas[0]!.slice(0, 12)), shas[0]);
      assert.deepEqual(await readdir(workDir), []);
    });

    it('refuses unsafe refs and URLs before running git', async () => {
      const { git } = await gitRemote({ allowHttpHosts: [server.host] });
      const before = server.requestCount;
      await assert.rejects(git.resolveRef(repo.cloneUrl, '--upload-pack=touch /tmp/x'), launcherError(400, 'bad-spec'));
      await assert.rejects(git.resolveRef('ext::sh -c id', 'HEAD'), launcherError(400, 'unsafe-url'));
      await assert.rejects(git.resolveRef('http://127.0.0.2:1/r.git', 'HEAD'), launcherError(400, 'unsafe-url', /allowHttpHosts/));
      assert.equal(server.requestCount, before);
    });
  });

  describe('clone', () => {
    it('checks out exactly the asked commit, even when it is not a branch tip, without .git', async () => {
      const { git, workDir } = await gitRemote();
      const checkout = await git.clone(repo.cloneUrl, second);
      try {
        assert.equal(checkout.sha, second);
        assert.equal(path.dirname(checkout.dir), workDir);
        assert.match(path.basename(checkout.dir), /^nblaunch-checkout-/);
        assert.equal(await readFile(path.join(checkout.dir, 'README.md'), 'utf8'), '# second\n');
        assert.equal(await readFile(path.join(checkout.dir, 'later.txt'), 'utf8'), 'added later\n');
        assert.deepEqual((await readdir(checkout.dir)).sort(), ['README.md', 'binder', 'later.txt']);
      } finally {
        await checkout.remove();
      }
      assert.deepEqual(await readdir(workDir), []);
    });

    it('keeps the executable bit of scripts', async () => {
      const { git } = await gitRemote();
      const checkout = await git.clone(repo.cloneUrl, first);
      try {
        assert.equal((await stat(path.join(checkout.dir, 'binder/postBuild'))).mode & 0o777, 0o755);
        assert.equal((await stat(path.join(checkout.dir, 'README.md'))).mode & 0o111, 0);
      } finally {
        await checkout.remove();
      }
    });

    it('keeps .git when asked, and remove() may be called twice', async () => {
      const { git, workDir } = await gitRemote({ keepGitDir: true });
      const checkout = await git.clone(repo.cloneUrl, first);
      assert.ok((await readdir(checkout.dir)).includes('.git'));
      await checkout.remove();
      await checkout.remove();
      assert.deepEqual(await readdir(workDir), []);
    });

    it('answers 413 repo-too-large past maxCloneBytes and leaves no temp dir', async () => {
      const big = await server.createRepo('owner/big', { 'data.bin': 'x'.repeat(200_000), 'small.txt': 'small\n' });
      const { git, workDir } = await gitRemote({ maxCloneBytes: 100_000 });
      await assert.rejects(git.clone(big.cloneUrl, await big.head()), launcherError(413, 'repo-too-large', /MiB.*git\.maxCloneMb/));
      assert.deepEqual(await readdir(workDir), []);
    });

    it('answers 404 for a commit the repo does not have, and for a missing repo, leaving no temp dir', async () => {
      const { git, workDir } = await gitRemote();
      await assert.rejects(git.clone(repo.cloneUrl, 'f'.repeat(40)), launcherError(404, 'ref-not-found'));
      await assert.rejects(git.clone(`${server.baseUrl}/owner/missing.git`, first), launcherError(404, 'repo-not-found'));
      assert.deepEqual(await readdir(workDir), []);
    });

    it('refuses anything but a full SHA', async () => {
      const { git } = await gitRemote();
      await assert.rejects(git.clone(repo.cloneUrl, 'main'), launcherError(400, 'bad-spec', /full 40-character commit SHA/));
      await assert.rejects(git.clone(repo.cloneUrl, `--upload-pack=x${'a'.repeat(30)}`), launcherError(400, 'bad-spec'));
    });
  });
});

describe('GitRemote against an older server (protocol v0, no fetch by SHA, no filters)', () => {
  let server: GitHttpServer;
  before(async () => { server = await GitHttpServer.start({ protocolV2: false }); });
  after(() => server.stop());

  it('resolves a short SHA and clones a commit that is not a tip by fetching the branches', async () => {
    const repo = await server.createRepo('strict', { 'a.txt': 'one\n' }, { allowAnySha1InWant: false, allowFilter: false });
    const old = await repo.head();
    await repo.commit({ 'a.txt': 'two\n' });
    const { git, workDir } = await gitRemote();
    assert.equal(await git.resolveRef(repo.cloneUrl, old.slice(0, 8)), old);
    const before = server.requestCount;
    const checkout = await git.clone(repo.cloneUrl, old);
    assert.equal(await readFile(path.join(checkout.dir, 'a.txt'), 'utf8'), 'one\n');
    const refListings = server.requests.slice(before).filter((request) => request.url.includes('/info/refs'));
    assert.equal(refListings.length, 2, 'the fetch by SHA was refused and the fallback fetched the branches');
    await checkout.remove();
    assert.deepEqual(await readdir(workDir), []);
  });
});

describe('GitRemote against a server that never answers', () => {
  let server: GitHttpServer;
  let repo: LocalTestRepo;
  before(async () => {
    server = await GitHttpServer.start();
    repo = await server.createRepo('slow', { 'a.txt': 'a\n' });
  });
  after(() => server.stop());

  it('stops resolveRef at the timeout with 504 git-timeout', async () => {
    server.responseDelayMs = 60_000;
    const { git, workDir } = await gitRemote({ cloneTimeoutMs: 1000 });
    const started = Date.now();
    await assert.rejects(git.resolveRef(repo.cloneUrl, 'main'), launcherError(504, 'git-timeout', /took longer than 1 s/));
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.deepEqual(await readdir(workDir), []);
  });

  it('stops a clone at the timeout with 504 git-timeout and leaves no temp dir', async () => {
    server.responseDelayMs = 0;
    const sha = await repo.head();
    server.responseDelayMs = 60_000;
    const { git, workDir } = await gitRemote({ cloneTimeoutMs: 1000 });
    const started = Date.now();
    await assert.rejects(git.clone(repo.cloneUrl, sha), launcherError(504, 'git-timeout'));
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.deepEqual(await readdir(workDir), []);
  });
});

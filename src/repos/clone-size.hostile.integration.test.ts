import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { GitHttpServer } from '../testing/git-http-server.js';
import { GitRemote } from './git-remote.js';

const mib = 1024 * 1024;

/** Bytes of every file under `dir` right now (files may vanish while it looks). */
function sizeOf(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const info = lstatSync(path.join(dir, name));
      total += info.isDirectory() ? sizeOf(path.join(dir, name)) : info.size;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

describe('git.maxCloneMb while the download streams', () => {
  let server: GitHttpServer;
  let workDir: string;
  let cloneUrl: string;
  let sha: string;

  before(async () => {
    server = await GitHttpServer.start();
    // ~40 MB that does not compress (random bytes, base64: git's zlib gets back only the encoding's quarter).
    const files: Record<string, string> = {};
    for (let index = 0; index < 4; index += 1) files[`data-${index}.txt`] = randomBytes(10 * mib).toString('base64');
    const repo = await server.createRepo('owner/huge', files);
    cloneUrl = repo.cloneUrl;
    sha = await repo.head();
    workDir = await mkdtemp(path.join(os.tmpdir(), 'nblaunch-hclient-clone-size-'));
  });
  after(async () => {
    await server.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('cuts the download at the limit (413 repo-too-large), never holds much more than the limit on disk, and leaves nothing', async () => {
    const maxCloneBytes = 10 * mib;
    const git = new GitRemote({ cloneTimeoutMs: 60_000, maxCloneBytes, refCacheMs: 0, workDir, allowHttpHosts: [server.host] });
    let peak = 0;
    const watching = setInterval(() => { peak = Math.max(peak, sizeOf(workDir)); }, 10);
    const failure = await git.clone(cloneUrl, sha).then(() => null, (error: unknown) => error);
    clearInterval(watching);
    assert.ok(peak <= maxCloneBytes + mib, `the checkout peaked at ${(peak / mib).toFixed(1)} MiB, limit 10 MiB`);
    assert.ok(failure instanceof LauncherError, String(failure));
    assert.equal(failure.status, 413);
    assert.equal(failure.reason, 'repo-too-large');
    assert.match(failure.message, /download .* passed the 10\.0 MiB/);
    assert.ok(peak > 0, 'the watcher saw the download');
    assert.deepEqual(await readdir(workDir), [], 'nothing is left in the work dir');
  });
});

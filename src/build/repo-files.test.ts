import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { listRepoFiles } from './repo-files.js';

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

const badFile = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof LauncherError);
  assert.equal(error.status, 422);
  assert.equal(error.reason, 'bad-repo-file');
  assert.match(error.message, pattern);
  return true;
};

describe('listRepoFiles', () => {
  let dir: string;
  let outside: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nblaunch-repo-files-'));
    outside = await mkdtemp(join(tmpdir(), 'nblaunch-outside-'));
    await writeFile(join(outside, 'secret'), 'not for the build');
    await writeTree(dir, {
      'README.md': '# hi\n',
      'binder/requirements.txt': 'numpy\n',
      'binder/.hidden': '',
      'notebooks/deep/er/analysis.ipynb': '{}',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/objects/ab/cdef': '',
      'vendor/lib/.git': 'gitdir: ../../.git/modules/lib\n',
      'vendor/lib/setup.py': '',
      '.gitignore': '*.pyc\n',
      'big.txt': 'x'.repeat(2048),
    });
    await symlink('binder/requirements.txt', join(dir, 'requirements.txt'));
    await symlink(join(outside, 'secret'), join(dir, 'apt.txt'));
    await symlink('notebooks', join(dir, 'linked-dir'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('lists every file with posix paths, nested ones included, and no .git entries', async () => {
    const files = await listRepoFiles(dir);
    assert.deepEqual([...files.paths].sort(), [
      '.gitignore', 'README.md', 'apt.txt', 'big.txt', 'binder/.hidden', 'binder/requirements.txt', 'linked-dir',
      'notebooks/deep/er/analysis.ipynb', 'requirements.txt', 'vendor/lib/setup.py',
    ]);
    assert.equal(files.truncated, false);
  });

  it('reads a file as utf8, through a link that stays inside the repo', async () => {
    const files = await listRepoFiles(dir);
    assert.equal(await files.read('binder/requirements.txt'), 'numpy\n');
    assert.equal(await files.read('requirements.txt'), 'numpy\n');
  });

  it('refuses a link that points outside the repo', async () => {
    const files = await listRepoFiles(dir);
    await assert.rejects(files.read('apt.txt'), badFile(/apt\.txt is a link that points outside the repo/));
  });

  it('refuses paths it did not list, directories and files over the size limit', async () => {
    const files = await listRepoFiles(dir, { maxReadBytes: 1024 });
    await assert.rejects(files.read('.git/HEAD'), badFile(/is not in the checkout/));
    await assert.rejects(files.read('../etc/passwd'), badFile(/is not in the checkout/));
    await assert.rejects(files.read('linked-dir'), badFile(/is not a regular file/));
    await assert.rejects(files.read('big.txt'), badFile(/larger than 1 KiB/));
  });

  it('stops at maxEntries, breadth first, so the root and binder/ are listed before deep folders', async () => {
    const files = await listRepoFiles(dir, { maxEntries: 12 });
    assert.equal(files.truncated, true);
    assert.ok(files.paths.has('binder/requirements.txt'));
    assert.ok(files.paths.has('README.md'));
    assert.ok(!files.paths.has('notebooks/deep/er/analysis.ipynb'));
  });
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBuildEvents } from '../testing/build-events-client.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import { runGit } from '../testing/test-repo.js';

/**
 * A repo author's links to host paths: the launcher must neither write through them
 * (.nblaunch.Dockerfile, .dockerignore) nor read through them (environment files, an own Dockerfile).
 */
describe('hostile repos: links in a checkout never reach host files', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let host: string;

  before(async () => {
    launched = await bootLauncherWithGit({ instance: `hbuild-${Math.random().toString(36).slice(2, 8)}` });
    ({ git, harness } = launched);
    host = await mkdtemp(join(tmpdir(), 'hbuild-host-'));
  });
  after(async () => {
    await launched?.cleanup();
    await rm(host, { recursive: true, force: true });
  });

  /** A repo whose `links` (path in repo -> host path) are committed as symbolic links. */
  async function repoWithLinks(name: string, files: Record<string, string>, links: Record<string, string>): Promise<void> {
    const repo = await git.createRepo(name, files);
    for (const [path, target] of Object.entries(links)) await symlink(target, join(repo.workDir, path));
    await runGit(repo.workDir, ['add', '--all']);
    await runGit(repo.workDir, ['commit', '--quiet', '-m', 'links']);
    await runGit(repo.workDir, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
  }

  it('builds a repo whose .nblaunch.Dockerfile links to a host path without creating that file', async () => {
    const target = join(host, 'created-by-build');
    await repoWithLinks('evil/dockerfile-link', { 'notebook.ipynb': '{}\n' }, { '.nblaunch.Dockerfile': target });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/evil/dockerfile-link/main?build_only=true`);
    assert.equal(events.at(-1)!.phase, 'ready', JSON.stringify(events.at(-1)));
    assert.equal(existsSync(target), false, 'the launcher wrote through the link');
  });

  it('refuses a .dockerignore that links to a host file, and leaves the file as it was', async () => {
    const target = join(host, 'dockerignore-target');
    await writeFile(target, 'host content\n');
    await repoWithLinks('evil/dockerignore-link', { 'notebook.ipynb': '{}\n' }, { '.dockerignore': target });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/evil/dockerignore-link/main?build_only=true`);
    const last = events.at(-1)!;
    assert.deepEqual([last.phase, last.reason], ['failed', 'bad-repo-file']);
    assert.match(last.message, /\.dockerignore is a link that points outside the repo/);
    assert.equal(await readFile(target, 'utf8'), 'host content\n');
  });

  it('refuses environment files and an own Dockerfile that link to host files, never reading them', async () => {
    const secret = join(host, 'secret.txt');
    await writeFile(secret, 'FROM nblaunch/base:latest\nRUN echo host-secret-7f3a\n');
    for (const file of ['requirements.txt', 'apt.txt', 'postBuild', 'environment.yml', 'Dockerfile']) {
      const name = `evil/link-${file.toLowerCase().replace(/\W/g, '-')}`;
      await repoWithLinks(name, { 'notebook.ipynb': '{}\n' }, { [file]: secret });
      const { events } = await readBuildEvents(`${harness.url}/build/gh/${name}/main?build_only=true`);
      const last = events.at(-1)!;
      assert.deepEqual([last.phase, last.reason], ['failed', 'bad-repo-file'], `${file}: ${JSON.stringify(last)}`);
      assert.ok(!events.some((event) => event.message.includes('host-secret-7f3a')), `${file}: the host file reached the build log`);
    }
    assert.equal(await readFile(secret, 'utf8'), 'FROM nblaunch/base:latest\nRUN echo host-secret-7f3a\n');
  });

  it('keeps the repo\'s own .dockerignore rules and hides the generated Dockerfile from the image', async () => {
    await git.createRepo('demo/ignore', { '.dockerignore': 'secret-*\n', 'secret-key.txt': 'x\n', 'kept.txt': 'y\n', 'postBuild': { content: '#!/bin/bash\nls -A ~ > ~/listing\n', mode: 0o755 } });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/demo/ignore/main?build_only=true`);
    assert.equal(events.at(-1)!.phase, 'ready', JSON.stringify(events.at(-1)));
    const { execFileSync } = await import('node:child_process');
    const listing = execFileSync('docker', ['run', '--rm', '--network', 'none', String(events.at(-1)!.imageName), 'cat', '/home/jovyan/listing'], { encoding: 'utf8' });
    assert.match(listing, /^kept\.txt$/m);
    assert.doesNotMatch(listing, /secret-key|nblaunch\.Dockerfile/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBuildEvents, type StreamedEvent } from '../testing/build-events-client.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { runCodeInNewKernel } from '../testing/kernel-client.js';
import { bootLauncherWithGit, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import { makeSandboxPackageIndex, type LocalPackageIndex } from '../testing/package-index.js';
import { imageExists } from '../setup/host.js';

const executable = (content: string) => ({ content, mode: 0o755 });
const phases = (events: StreamedEvent[]) => events.map((event) => event.phase).filter((phase, index, all) => phase !== all[index - 1]);

describe('launching Git repos: builds behind BinderHub\'s event stream', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let checkouts: string;
  let index: LocalPackageIndex;
  let work: string;
  let prefix: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'nblaunch-binder-it-'));
    checkouts = join(work, 'checkouts');
    execFileSync('mkdir', ['-p', checkouts]);
    // Builds run on the notebook network: the index is an allow-listed port on the host, as an internal mirror would be.
    const instance = `it-${Math.random().toString(36).slice(2, 10)}`;
    const sandboxIndex = await makeSandboxPackageIndex(work, 'nblaunch/base:latest', 'hello from the local index', instance);
    index = sandboxIndex;
    launched = await bootLauncherWithGit({
      instance,
      network: { allow: [sandboxIndex.allow] },
      git: { checkoutDir: checkouts },
      build: { pipIndexUrl: index.url, timeoutSeconds: 120 },
      capacity: { maxServers: 20, maxServersPerIp: 20 },
    }, { keepaliveMs: 200 });
    ({ git, harness, imagePrefix: prefix } = launched);
  });

  after(async () => {
    await launched?.cleanup();
    await index?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const build = (spec: string, query = '') => readBuildEvents(`${harness.url}/build/gh/${spec}${query}`);

  it('builds apt.txt, requirements.txt, postBuild and start, then launches a server that runs code in the repo', async () => {
    await git.createRepo('demo/full', {
      'binder/apt.txt': 'jq\n',
      'binder/requirements.txt': 'nblaunch-hello==1.0\n',
      'binder/postBuild': executable('#!/bin/bash\nset -e\necho built-by-postBuild > ~/postbuild-marker.txt\n'),
      'binder/start': executable('#!/bin/bash\nexport NBLAUNCH_FROM_START=yes\nexec "$@"\n'),
      'requirements.txt': 'this-package-does-not-exist==0.0.0\n',
      'index.ipynb': '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    });
    const { events, contentType } = await build('demo/full/main');
    assert.equal(contentType, 'text/event-stream; charset=utf-8');
    assert.deepEqual(phases(events), ['waiting', 'fetching', 'building', 'built', 'launching', 'ready'], JSON.stringify(events.slice(-3)));
    for (const event of events) assert.equal(typeof event.message, 'string');
    const built = events.find((event) => event.phase === 'built')!;
    const ready = events.at(-1)!;
    assert.match(String(built.imageName), new RegExp(`^${prefix}`));
    assert.equal(ready.image, built.imageName);
    const sha = String(built.imageName).split(':')[1]!.slice(0, 40);
    assert.equal(ready.binder_request, 'v2/gh/demo/full/main');
    assert.equal(ready.binder_persistent_request, `v2/gh/demo/full/${sha}`);
    assert.equal(ready.repo_url, `${git.baseUrl}/demo/full`);
    assert.equal(ready.binder_ref_url, `${git.baseUrl}/demo/full/tree/${sha}`);
    assert.equal(ready.binder_launch_host, `${harness.url}/`);
    assert.match(String(ready.url), new RegExp(`^${harness.url}/s/[a-z0-9]{20}/$`));

    const output = await runCodeInNewKernel(String(ready.url), String(ready.token), [
      'import os, subprocess, nblaunch_hello',
      'print(nblaunch_hello.greet())',
      'print(open(os.path.expanduser("~/postbuild-marker.txt")).read().strip())',
      'print(os.environ.get("NBLAUNCH_FROM_START"))',
      'print(subprocess.run(["jq", "--version"], capture_output=True, text=True).stdout.strip()[:4])',
      'print(sorted(f for f in os.listdir(os.path.expanduser("~")) if not f.startswith(".")))',
      'print(os.stat(os.path.expanduser("~/index.ipynb")).st_uid)',
    ].join('\n'));
    assert.deepEqual(output.trim().split('\n'), [
      'hello from the local index', 'built-by-postBuild', 'yes', 'jq-1', "['binder', 'index.ipynb', 'postbuild-marker.txt', 'requirements.txt']", '1000',
    ]);
    assert.deepEqual(readdirSync(checkouts), [], 'the checkout is removed after the build');
  });

  it('reuses the built image: a second launch of the same commit does no build', async () => {
    const before = harness.launcher.deps.builder.buildsStarted;
    const { events } = await build('demo/full/main');
    assert.deepEqual(phases(events), ['waiting', 'built', 'launching', 'ready']);
    assert.match(events.find((event) => event.phase === 'built')!.message, /Found built image/);
    assert.equal(harness.launcher.deps.builder.buildsStarted, before);
  });

  it('shares one build between two people who ask at the same time', async () => {
    await git.createRepo('demo/shared', { 'binder/postBuild': executable('#!/bin/bash\nsleep 2\necho shared > ~/shared.txt\n') });
    const before = harness.launcher.deps.builder.buildsStarted;
    const [first, second] = await Promise.all([build('demo/shared/HEAD', '?build_only=true'), build('demo/shared/main', '?build_only=true')]);
    assert.equal(harness.launcher.deps.builder.buildsStarted, before + 1);
    assert.equal(first.events.at(-1)!.phase, 'ready');
    assert.equal(second.events.at(-1)!.phase, 'ready');
    assert.equal(first.events.at(-1)!.imageName, second.events.at(-1)!.imageName);
    assert.equal(first.events.at(-1)!.url, undefined, 'build_only launches nothing');
    for (const stream of [first, second]) assert.ok(stream.events.some((event) => event.phase === 'building'));
  });

  it('works with BinderHub\'s own JavaScript client: its ready event lets a Jupyter client run code', async () => {
    // The client was written for browsers: in Node it needs `window` (timers, fetch) and a
    // `document` to (un)register its page-visibility listener on.
    const browserLike = globalThis as { window?: unknown; document?: unknown };
    browserLike.window ??= globalThis;
    browserLike.document ??= { hidden: false, cookie: '', addEventListener: () => undefined, removeEventListener: () => undefined };
    const { BinderRepository } = await import('@jupyterhub/binderhub-client/client.js');
    await git.createRepo('demo/client', { 'hello.txt': 'hi\n' });
    const repository = new BinderRepository('gh/demo/client/main', new URL(`${harness.url}/build/`), {});
    const seen: Array<{ phase: string; url?: string; token?: string }> = [];
    for await (const event of repository.fetch()) {
      seen.push(event);
      if (event.phase === 'ready' || event.phase === 'failed') break;
    }
    repository.close();
    const ready = seen.at(-1)!;
    assert.equal(ready.phase, 'ready', JSON.stringify(seen));
    assert.equal(await runCodeInNewKernel(String(ready.url), String(ready.token), 'print(2 + 40)'), '42\n');
  });

  it('uses a repo\'s own Dockerfile as is', async () => {
    await git.createRepo('demo/docker', { Dockerfile: 'FROM nblaunch/base:latest\nRUN echo from-dockerfile > /home/jovyan/dockerfile-marker.txt\n' });
    const { events } = await build('demo/docker/main');
    const ready = events.at(-1)!;
    assert.equal(ready.phase, 'ready', JSON.stringify(events.slice(-3)));
    const output = await runCodeInNewKernel(String(ready.url), String(ready.token), 'print(open("/home/jovyan/dockerfile-marker.txt").read().strip())');
    assert.equal(output, 'from-dockerfile\n');
  });

  it('ends an unknown repo, an unknown ref and a banned one in a failed event with a clear message', async () => {
    const missingRepo = (await build('nobody/nothing/main')).events.at(-1)!;
    assert.equal(missingRepo.phase, 'failed');
    assert.equal(missingRepo.reason, 'repo-not-found');
    assert.match(missingRepo.message, /could not be found/);

    const missingRef = (await build('demo/full/no-such-branch')).events.at(-1)!;
    assert.equal(missingRef.phase, 'failed');
    assert.equal(missingRef.reason, 'ref-not-found');
    assert.match(missingRef.message, /no-such-branch/);

    const bad = (await readBuildEvents(`${harness.url}/build/ssh/x/y`)).events.at(-1)!;
    assert.equal(bad.phase, 'failed');
    assert.equal(bad.reason, 'bad-spec');
  });

  it('ends a failing build in a failed event with Docker\'s error, and leaves nothing behind', async () => {
    await git.createRepo('demo/broken', { 'binder/postBuild': executable('#!/bin/bash\necho "about to fail" >&2\nexit 7\n') });
    const { events } = await build('demo/broken/main');
    const last = events.at(-1)!;
    assert.equal(last.phase, 'failed');
    assert.equal(last.reason, 'build-failed');
    assert.match(last.message, /returned a non-zero code: 7/);
    assert.ok(events.some((event) => event.phase === 'building' && /about to fail/.test(event.message)), 'the log shows the script\'s output');
    const imageName = String(events.find((event) => /Building /.test(event.message))?.message.match(/Building (\S+)/)?.[1]);
    assert.equal(imageExists(imageName), false);
    assert.deepEqual(readdirSync(checkouts), []);
    assert.equal(execFileSync('docker', ['ps', '-aq', '--filter', `ancestor=${imageName}`], { encoding: 'utf8' }).trim(), '');
  });
});

describe('build time limit', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let checkouts: string;
  let prefix: string;

  before(async () => {
    checkouts = mkdtempSync(join(tmpdir(), 'nblaunch-timeout-it-'));
    launched = await bootLauncherWithGit({ git: { checkoutDir: checkouts }, build: { timeoutSeconds: 3 } });
    ({ git, harness, imagePrefix: prefix } = launched);
  });
  after(async () => {
    await launched?.cleanup();
    rmSync(checkouts, { recursive: true, force: true });
  });

  it('stops a build that runs too long, says so, and leaves no container, checkout or image', async () => {
    await git.createRepo('demo/slow', { 'binder/postBuild': executable('#!/bin/bash\nsleep 120\n') });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/demo/slow/main`);
    const last = events.at(-1)!;
    assert.equal(last.phase, 'failed');
    assert.equal(last.reason, 'build-timeout');
    assert.match(last.message, /longer than 3 s/);
    assert.deepEqual(readdirSync(checkouts), []);
    const images = execFileSync('docker', ['images', '-q', '--filter', `reference=${prefix}*`], { encoding: 'utf8' }).trim();
    assert.equal(images, '');
    // The classic builder runs each RUN step in a container; a cancelled step's container must go.
    const stepContainers = () => execFileSync('docker', ['ps', '-a', '--no-trunc', '--format', '{{.Command}}'], { encoding: 'utf8' })
      .split('\n').filter((command) => command.includes('postBuild'));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && stepContainers().length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual(stepContainers(), []);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type BuildContextSettings, detectBuildPlan, renderDockerfile } from './build-plan.js';
import { listRepoFiles } from './repo-files.js';
import { makeLocalPackageIndex } from '../testing/package-index.js';

const run = promisify(execFile);
const baseImage = 'nblaunch/base:latest';
const docker = async (...args: string[]) => (await run('docker', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Renders the repo's Dockerfile and builds it with the docker CLI (classic builder); answers the image id and the log. */
async function build(dir: string, tag: string, settings: Partial<BuildContextSettings> = {}, network = 'default') {
  const files = await listRepoFiles(dir);
  const plan = await detectBuildPlan(files);
  const dockerfile = await renderDockerfile(plan, files, { baseImage, pipIndexUrl: '', aptMirror: '', ...settings });
  const dockerfilePath = `${dir}.Dockerfile`;
  await writeFile(dockerfilePath, dockerfile);
  const started = Date.now();
  const log = await docker('build', '--force-rm', '--network', network, '--label', 'org.nblaunch.test=build-plan', '-t', tag, '-f', dockerfilePath, dir);
  const id = (await docker('image', 'inspect', '-f', '{{.Id}}', tag)).trim();
  return { plan, dockerfile, log, id, ms: Date.now() - started };
}

/** Runs `script` in bash through the image's entrypoint (so a start script wraps it); answers stdout lines. */
async function runIn(tag: string, script: string): Promise<string[]> {
  return (await docker('run', '--rm', '--network', 'none', tag, 'bash', '-c', script)).trimEnd().split('\n');
}

describe('generated Dockerfiles build on the real Docker engine', () => {
  let work: string;
  const images = new Set<string>();
  const tag = (name: string) => `nblaunch-test/plan-${name}-${randomBytes(4).toString('hex')}`;

  before(async () => {
    await docker('image', 'inspect', baseImage).catch(() => {
      throw new Error(`${baseImage} is missing: build it with bash images/build-base.sh`);
    });
    work = await mkdtemp(join(tmpdir(), 'nblaunch-plan-it-'));
  });
  after(async () => {
    if (images.size > 0) await docker('rmi', '-f', ...images).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  it('apt.txt, postBuild and start from binder/; a notebook-only change reuses every layer up to the repo copy', async (t) => {
    const dir = join(work, 'binder-repo');
    await writeTree(dir, {
      'binder/apt.txt': '# small and real\njq\n',
      'binder/postBuild': '#!/bin/bash\nset -euo pipefail\necho "built by $(id -un)" > "$HOME/postbuild-marker"\n',
      'binder/start': '#!/bin/bash\nexport NBLAUNCH_START_RAN=yes\nexec "$@"\n',
      'analysis.ipynb': '{"cells": []}\n',
      'data/numbers.csv': 'a,b\n1,2\n',
    });
    const name = tag('binder');
    const first = await build(dir, name);
    images.add(first.id);
    t.diagnostic(`first build: ${first.ms} ms`);
    assert.deepEqual(first.plan.buildpacks, ['apt', 'post-build', 'start']);

    const [jq, marker, owner, startRan, user, cwd, listing] = await runIn(name, [
      'jq --version', 'cat ~/postbuild-marker', 'stat -c %u:%g ~/postbuild-marker', 'echo "start=${NBLAUNCH_START_RAN:-no}"',
      'id -un', 'pwd', 'ls -A ~ ~/binder ~/data | tr "\\n" " "',
    ].join(' && '));
    assert.match(jq!, /^jq-1\.\d/);
    assert.equal(marker, 'built by jovyan');
    assert.equal(owner, '1000:100');
    assert.equal(startRan, 'start=yes');
    assert.equal(user, 'jovyan');
    assert.equal(cwd, '/home/jovyan');
    for (const file of ['analysis.ipynb', 'binder', 'data', 'postbuild-marker', 'apt.txt', 'postBuild', 'start', 'numbers.csv']) {
      assert.ok(listing!.includes(file), `${file} missing from ${listing}`);
    }
    const owners = await runIn(name, 'stat -c "%u:%g %n" ~/analysis.ipynb ~/binder ~/data ~/data/numbers.csv ~/binder/start');
    assert.ok(owners.every((line) => line.startsWith('1000:100 ')), owners.join('\n'));

    await writeFile(join(dir, 'analysis.ipynb'), '{"cells": [], "metadata": {}}\n');
    const second = await build(dir, name);
    images.add(second.id);
    t.diagnostic(`rebuild after a notebook change: ${second.ms} ms`);
    assert.notEqual(second.id, first.id);
    const steps = second.log.split(/\nStep \d+\/\d+ : /).slice(2); // the text before Step 1, and FROM
    const cachedUntil = steps.findIndex((step) => !step.includes('Using cache'));
    assert.match(steps[cachedUntil]!, /^COPY --chown=1000:100 \. \/home\/jovyan\//, `the first step not cached should be the repo copy:\n${second.log}`);
    assert.ok(steps.slice(0, cachedUntil).some((step) => step.startsWith('RUN apt-get update')));
  });

  it('requirements.txt from a local index (PIP_INDEX_URL) and apt.txt from a configured mirror, built with host networking', async (t) => {
    const index = await makeLocalPackageIndex(work, baseImage, 'hello from the local index');
    t.after(() => index.close());

    const dir = join(work, 'root-repo');
    await writeTree(dir, {
      'requirements.txt': 'nblaunch-hello==1.0\n',
      'runtime.txt': 'python-3.11\n',
      'apt.txt': 'jq\n',
      'README.md': 'hello\n',
    });
    const name = tag('pip');
    const built = await build(dir, name, { pipIndexUrl: index.url, aptMirror: 'http://deb.debian.org/debian' }, 'host');
    images.add(built.id);
    t.diagnostic(`build: ${built.ms} ms`);
    assert.match(built.log, /Successfully installed nblaunch-hello-1\.0/);
    assert.ok(index.requested.includes('/simple/nblaunch-hello/'), index.requested.join(', '));

    const [greeting, jq, location, env] = await runIn(name, [
      'python3 -c "import nblaunch_hello; print(nblaunch_hello.greet())"', 'jq --version',
      'python3 -c "import nblaunch_hello; print(nblaunch_hello.__file__)"', 'echo "index=${PIP_INDEX_URL:-unset}"',
    ].join(' && '));
    assert.equal(greeting, 'hello from the local index');
    assert.match(jq!, /^jq-1\.\d/);
    assert.match(location!, /^\/srv\/venv\/lib\/python3\.11\/site-packages\//);
    assert.equal(env, 'index=unset', 'the build argument must not stay in the image');
    const sources = await runIn(name, 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null; ls /tmp');
    assert.ok(!sources.some((line) => line.includes('nblaunch-apt')), sources.join('\n'));
  });

  it('environment.yml without conda: its packages from a local index, a pip: entry from the repo, requirements.txt ignored', async (t) => {
    const index = await makeLocalPackageIndex(join(work, 'conda-index'), baseImage, 'hello from environment.yml');
    t.after(() => index.close());

    const dir = join(work, 'conda-repo');
    await writeTree(dir, {
      'binder/environment.yml': [
        'name: course', 'channels: [conda-forge]', 'dependencies:', '  - python=3.11', '  - conda-forge::nblaunch-hello=1.0', '  - libgcc-ng', '  - pip',
        '  - pip:', '    - -r extra.txt', '',
      ].join('\n'),
      'binder/extra.txt': 'nblaunch-hello==1.0\n',
      'requirements.txt': 'no-such-package-anywhere==9\n',
      'index.ipynb': '{}',
    });
    const name = tag('conda');
    const built = await build(dir, name, { pipIndexUrl: index.url }, 'host');
    images.add(built.id);
    assert.deepEqual(built.plan.buildpacks, ['environment-yml']);
    assert.match(built.log, /Successfully installed nblaunch-hello-1\.0/);
    assert.match(built.log, /Requirement already satisfied: nblaunch-hello==1\.0/, 'the pip: entry ran from binder/, after the repo was copied');
    assert.ok(!index.requested.some((path) => path.includes('no-such-package')), 'requirements.txt was ignored');
    const [greeting] = await runIn(name, 'python3 -c "import nblaunch_hello; print(nblaunch_hello.greet())"');
    assert.equal(greeting, 'hello from environment.yml');
  });
});

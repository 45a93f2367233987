import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { detectBuildPlan } from './build-plan.js';
import type { RepoFiles } from './repo-files.js';
import { memoryRepoFiles } from './testing/memory-repo-files.js';

const plan = (files: Record<string, string>) => detectBuildPlan(memoryRepoFiles(files));

/** Asserts a 422 with `reason` whose message matches every pattern. */
async function refused(files: Record<string, string>, reason: string, ...patterns: RegExp[]): Promise<LauncherError> {
  let caught: unknown;
  try {
    await plan(files);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof LauncherError, `expected a LauncherError, got ${String(caught)}`);
  assert.equal(caught.status, 422);
  assert.equal(caught.reason, reason);
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught;
}

describe('detectBuildPlan: where config files are read from', () => {
  it('reads the repo root when there is no binder folder', async () => {
    const result = await plan({ 'requirements.txt': 'numpy\n', 'index.ipynb': '{}' });
    assert.equal(result.configDir, '');
    assert.deepEqual(result.buildpacks, ['python-requirements']);
  });

  it('reads binder/ only, ignoring the root files (and saying so)', async () => {
    const result = await plan({ 'binder/apt.txt': 'jq\n', 'requirements.txt': 'numpy\n', Dockerfile: 'FROM scratch\n' });
    assert.equal(result.configDir, 'binder');
    assert.equal(result.ownDockerfile, false);
    assert.deepEqual(result.buildpacks, ['apt']);
    assert.ok(result.notes.some((note) => /ignored at the repo root.*Dockerfile, requirements\.txt/.test(note)), result.notes.join('\n'));
  });

  it('reads .binder/ the same way', async () => {
    const result = await plan({ '.binder/postBuild': '#!/bin/sh\n', postBuild: '#!/bin/sh\n', 'apt.txt': 'jq\n' });
    assert.equal(result.configDir, '.binder');
    assert.deepEqual(result.buildpacks, ['post-build']);
    assert.ok(result.notes.some((note) => note.includes('.binder/postBuild')));
  });

  it('counts a binder folder by any file in it, even one that is not an environment file', async () => {
    const result = await plan({ 'binder/README.md': '', 'requirements.txt': 'numpy\n' });
    assert.equal(result.configDir, 'binder');
    assert.deepEqual(result.buildpacks, []);
  });

  it('refuses a repo with both binder/ and .binder/', async () => {
    await refused({ 'binder/apt.txt': 'jq\n', '.binder/apt.txt': 'jq\n' }, 'ambiguous-config', /binder\/ and \.binder\//, /keep one/);
  });
});

describe('detectBuildPlan: an own Dockerfile', () => {
  it('is used as is, with nothing else detected', async () => {
    const result = await plan({ Dockerfile: 'FROM x\n', 'apt.txt': 'jq\n', 'requirements.txt': 'numpy\n', postBuild: '' });
    assert.deepEqual(result, { ...result, configDir: '', ownDockerfile: true, buildpacks: ['dockerfile'] });
    assert.match(result.notes.join('\n'), /Dockerfile is built as is/);
  });

  it('wins over environments nblaunch refuses', async () => {
    const result = await plan({ 'binder/Dockerfile': 'FROM x\n', 'binder/environment.yml': '', 'binder/Project.toml': '' });
    assert.equal(result.ownDockerfile, true);
    assert.equal(result.configDir, 'binder');
  });
});

describe('detectBuildPlan: environments nblaunch does not build yet', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['Project.toml', { 'Project.toml': '' }, /Julia/],
    ['JuliaProject.toml', { 'binder/JuliaProject.toml': '' }, /Julia/],
    ['default.nix', { 'default.nix': '' }, /Nix/],
    ['install.R', { 'binder/install.R': '' }, /is for R,/],
    ['DESCRIPTION', { DESCRIPTION: 'Package: x\n' }, /is for R,/],
    ['runtime.txt', { 'runtime.txt': 'r-4.1-2021-10-01\n' }, /is for R \(r-4\.1-2021-10-01\)/],
    ['Pipfile', { Pipfile: '' }, /Pipenv/],
    ['Pipfile.lock', { 'Pipfile.lock': '{}' }, /Pipenv/],
  ];
  for (const [name, files, kind] of cases) {
    it(`refuses ${name}, naming it`, async () => {
      const [path] = Object.keys(files);
      const error = await refused({ ...files, 'requirements.txt': 'numpy\n' }, 'unsupported-environment',
        new RegExp(`'s ${path!.replace('.', '\\.')} `), kind, /does not build yet/);
      assert.equal(error.details.file, path);
    });
  }

  it('names the first one in repo2docker\'s order when several are there', async () => {
    await refused({ 'environment.yml': '', Pipfile: '', 'default.nix': '', 'install.R': '' }, 'unsupported-environment', /default\.nix/);
    await refused({ 'environment.yml': '', Pipfile: '', 'install.R': '' }, 'unsupported-environment', /install\.R/);
  });

  it('builds environment.yml rather than refusing a Pipfile after it, as repo2docker picks conda first', async () => {
    const result = await plan({ Pipfile: '', 'environment.yml': 'dependencies: [numpy]\n' });
    assert.deepEqual(result.buildpacks, ['environment-yml']);
  });

  it('ignores DESCRIPTION at the root when binder/ is used, like repo2docker', async () => {
    const result = await plan({ DESCRIPTION: '', 'binder/requirements.txt': 'numpy\n' });
    assert.deepEqual(result.buildpacks, ['python-requirements']);
  });
});

describe('detectBuildPlan: runtime.txt', () => {
  for (const text of ['python-3.11', 'python-3.11.2\n', 'python-3', '\n  python-3.11  \n']) {
    it(`accepts ${JSON.stringify(text)}`, async () => {
      const result = await plan({ 'runtime.txt': text });
      assert.deepEqual(result.buildpacks, []);
      assert.ok(result.notes.some((note) => /runtime\.txt: python-3.*the base image's Python 3\.11/.test(note)));
    });
  }

  for (const text of ['python-3.10', 'python-3.12', 'python-2.7']) {
    it(`refuses ${text}, naming runtime.txt and the Python there is`, async () => {
      await refused({ 'binder/runtime.txt': `${text}\n` }, 'unsupported-environment', /binder\/runtime\.txt/, /only Python available is 3\.11/);
    });
  }

  it('refuses a runtime it does not know', async () => {
    await refused({ 'runtime.txt': 'julia-1.9\n' }, 'unsupported-environment', /runtime\.txt/, /"julia-1\.9"/);
  });
});

describe('detectBuildPlan: Python, apt.txt, postBuild and start', () => {
  it('finds every buildpack, in the order they render', async () => {
    const result = await plan({ 'apt.txt': 'jq\n', 'requirements.txt': 'numpy\n', 'setup.py': '', postBuild: '', start: '' });
    assert.deepEqual(result.buildpacks, ['apt', 'python-requirements', 'python-package', 'post-build', 'start']);
    assert.deepEqual(result.notes, [
      'apt.txt: apt-get install jq',
      'requirements.txt: pip install -r requirements.txt, before the repo is copied',
      'setup.py: pip install . after the repo is copied',
      'postBuild: ./postBuild runs as jovyan, last (it needs a #! line)',
      'start: start wraps the server command; it must end with exec "$@"',
    ]);
  });

  it('installs a package from pyproject.toml too, but only at the root without binder/', async () => {
    assert.deepEqual((await plan({ 'pyproject.toml': '' })).buildpacks, ['python-package']);
    assert.deepEqual((await plan({ 'pyproject.toml': '', 'binder/postBuild': '' })).buildpacks, ['post-build']);
    assert.deepEqual((await plan({ 'binder/setup.py': '' })).buildpacks, []);
  });

  it('says when requirements.txt needs the repo first (local references)', async () => {
    const result = await plan({ 'requirements.txt': 'numpy\n-e .\n' });
    assert.match(result.notes.join('\n'), /after the repo is copied \(it refers to files in the repo\)/);
  });

  it('says when the listing was cut short', async () => {
    const result = await detectBuildPlan({ ...memoryRepoFiles({ 'apt.txt': 'jq\n' }), truncated: true } as RepoFiles);
    assert.match(result.notes[0]!, /more than 100000 files/);
  });

  it('gives the bare base image when there are no environment files', async () => {
    const result = await plan({ 'index.ipynb': '{}', 'data/x.csv': '' });
    assert.deepEqual(result.buildpacks, []);
    assert.match(result.notes.join('\n'), /no environment files/);
  });

  it('reads apt.txt with comments, blank lines and several names a line', async () => {
    const result = await plan({ 'apt.txt': '# tools\njq\n\n  cowsay   # moo\nlibgl1 g++ python3.11-dev\njq\n' });
    assert.deepEqual(result.notes, ['apt.txt: apt-get install jq cowsay libgl1 g++ python3.11-dev']);
  });

  it('skips an apt.txt with nothing in it', async () => {
    assert.deepEqual((await plan({ 'apt.txt': '# nothing yet\n\n' })).buildpacks, []);
  });

  for (const line of ['jq; rm -rf /', 'JQ', '$(curl x)', 'a', '-o Debug::pkgProblemResolver=1', 'jq=1.6-2.1']) {
    it(`refuses apt.txt line ${JSON.stringify(line)}, naming the line`, async () => {
      const error = await refused({ 'binder/apt.txt': `jq\n# ok\n${line}\n` }, 'invalid-apt-txt', /binder\/apt\.txt line 3/, /not a Debian package name/);
      assert.equal(error.details.line, 3);
    });
  }
});

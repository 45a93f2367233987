import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../../errors/launcher-error.js';
import { detectBuildPlan, renderDockerfile, type BuildContextSettings } from '../build-plan.js';
import { memoryRepoFiles } from '../testing/memory-repo-files.js';

const settings: BuildContextSettings = { baseImage: 'nblaunch/base:latest', pipIndexUrl: '', aptMirror: '' };

async function build(files: Record<string, string>, extra: Partial<BuildContextSettings> = {}) {
  const repo = memoryRepoFiles(files);
  const plan = await detectBuildPlan(repo);
  return { plan, dockerfile: await renderDockerfile(plan, repo, { ...settings, ...extra }) };
}

async function refusal(files: Record<string, string>): Promise<LauncherError> {
  try {
    await build(files);
  } catch (error) {
    assert.ok(error instanceof LauncherError);
    assert.equal(error.status, 422);
    return error;
  }
  throw new Error('expected a 422');
}

const environment = `name: course
channels:
  - conda-forge
dependencies:
  - python=3.11
  - numpy=1.26
  - conda-forge::pandas>=2
  - libgcc-ng
  - pip
  - pip:
    - requests==2.31.0
    - -r extra-requirements.txt
    - -e ./tools
`;

describe('environment.yml without conda', () => {
  it('installs its Python packages with pip before the repo, and its repo-relative pip entries after', async () => {
    const { plan, dockerfile } = await build({ 'binder/environment.yml': environment, 'index.ipynb': '{}' });
    assert.deepEqual(plan.buildpacks, ['environment-yml']);
    const lines = dockerfile.split('\n');
    const before = lines.findIndex((line) => line === `RUN pip install --no-cache-dir 'numpy==1.26.*' 'pandas>=2' 'requests==2.31.0'`);
    const copy = lines.findIndex((line) => line.startsWith('COPY --chown=1000:100 . /home/jovyan/'));
    const after = lines.findIndex((line) => line === `RUN cd 'binder' && pip install --no-cache-dir '-r' 'extra-requirements.txt' '-e' './tools'`);
    assert.ok(before !== -1 && copy !== -1 && after !== -1 && before < copy && copy < after, dockerfile);
    const notes = plan.notes.join('\n');
    assert.match(notes, /no conda; its Python packages are installed with pip: numpy==1\.26\.\* pandas>=2 requests==2\.31\.0/);
    assert.match(notes, /python=3\.11, the base image's Python 3\.11/);
    assert.match(notes, /skipped, the base image has them: libgcc-ng, pip/);
  });

  it('takes precedence over requirements.txt and setup.py, saying so', async () => {
    const { plan, dockerfile } = await build({ 'environment.yml': 'dependencies: [numpy]\n', 'requirements.txt': 'does-not-exist\n', 'setup.py': '' });
    assert.deepEqual(plan.buildpacks, ['environment-yml']);
    assert.doesNotMatch(dockerfile, /does-not-exist|requirements\.txt|pip install --no-cache-dir \.$/m);
    assert.match(plan.notes.join('\n'), /ignored because environment\.yml takes precedence \(repo2docker's rule\): requirements\.txt, setup\.py/);
  });

  it('passes the package index to pip', async () => {
    const { dockerfile } = await build({ 'environment.yml': 'dependencies: [numpy]\n' }, { pipIndexUrl: 'http://127.0.0.1:9/simple/' });
    assert.match(dockerfile, /^RUN PIP_INDEX_URL="\$PIP_INDEX_URL" pip install --no-cache-dir 'numpy'$/m);
  });

  it('accepts an empty file or one without dependencies: the base image as it is', async () => {
    for (const text of ['', 'name: empty\n', 'dependencies: []\n']) {
      const { plan, dockerfile } = await build({ 'environment.yml': text });
      assert.deepEqual(plan.buildpacks, ['environment-yml']);
      assert.doesNotMatch(dockerfile, /pip install/);
    }
  });

  it('keeps repo text out of the shell: quotes are escaped, options refused', async () => {
    const { dockerfile } = await build({ 'environment.yml': `dependencies:\n  - pip:\n    - "pkg; python_version > '3'"\n` });
    assert.match(dockerfile, /^RUN pip install --no-cache-dir 'pkg; python_version > '\\''3'\\'''$/m);
    for (const entry of ['--index-url http://evil.example/simple', '--pre', '-r', "--trusted-host=x"]) {
      const error = await refusal({ 'environment.yml': `dependencies:\n  - pip:\n    - "${entry}"\n` });
      assert.equal(error.reason, 'invalid-environment-yml');
      assert.match(error.message, /pip option nblaunch does not pass on/);
    }
    const injected = await refusal({ 'environment.yml': 'dependencies:\n  - "numpy; rm -rf /"\n' });
    assert.match(injected.message, /not a version constraint/);
  });

  it('refuses a Python the base image does not have, naming the pin', async () => {
    const error = await refusal({ 'environment.yml': 'dependencies:\n  - python=3.9\n  - numpy\n' });
    assert.equal(error.reason, 'unsupported-environment');
    assert.match(error.message, /environment\.yml: it asks for Python "python=3\.9", and the only Python nblaunch has is 3\.11: write python=3\.11/);
  });

  it('refuses what pip cannot install, naming the packages and what to do', async () => {
    const error = await refusal({ 'binder/environment.yml': 'dependencies:\n  - numpy\n  - nodejs=18\n  - r-base\n' });
    assert.equal(error.reason, 'unsupported-environment');
    assert.match(error.message, /binder\/environment\.yml: it asks conda for nodejs, r-base, which pip cannot install, and nblaunch has no conda: list Debian packages in apt\.txt/);
  });

  it('says what is wrong with a malformed file', async () => {
    const cases: [string, RegExp][] = [
      ['dependencies: [numpy\n', /not valid YAML/],
      ['- numpy\n', /must be a mapping/],
      ['dependencies: numpy\n', /"dependencies:" must be a list/],
      ['dependencies:\n  - pip: numpy\n', /"pip:" must be a list/],
      ['dependencies:\n  - {name: numpy}\n', /neither a package spec nor a "pip:" list/],
    ];
    for (const [text, problem] of cases) {
      const error = await refusal({ 'environment.yml': text });
      assert.equal(error.reason, 'invalid-environment-yml', text);
      assert.match(error.message, /^The repo's environment\.yml: /);
      assert.match(error.message, problem, text);
    }
  });
});

import type { Buildpack } from './buildpack.js';
import { hasCondaEnvironment } from './environment-yml.js';
import { pipRun } from './pip.js';

/**
 * setup.py or pyproject.toml at the repo root (ignored when binder/ is used, as in repo2docker):
 * `pip install .` after the repo is copied, and after requirements.txt.
 */
export const pythonPackageBuildpack: Buildpack = {
  name: 'python-package',
  async detect(config) {
    if (hasCondaEnvironment(config)) return null;
    const file = ['setup.py', 'pyproject.toml'].find((name) => config.hasAtRootOnly(name));
    return file === undefined ? null : [`${file}: pip install . after the repo is copied`];
  },
  async render(_config, settings) {
    return { afterRepo: [pipRun('.', settings)] };
  },
};

import { notebookHome, notebookOwner } from '../base-image.js';
import type { Buildpack, ConfigFiles } from './buildpack.js';
import { hasCondaEnvironment } from './environment-yml.js';
import { pipRun } from './pip.js';

/**
 * Whether requirements.txt can be installed from itself alone, before the repo is copied.
 * Options (-r, -e, -c, …), local paths and file: URLs need the whole repo (repo2docker's rule).
 */
export function requirementsStandAlone(text: string): boolean {
  return text.split(/\r?\n/).every((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return true;
    return !line.startsWith('-') && !line.startsWith('.') && !line.startsWith('/') && !line.includes('file:');
  });
}

async function standAlone(config: ConfigFiles): Promise<boolean> {
  return requirementsStandAlone(await config.read('requirements.txt'));
}

/** requirements.txt: `pip install -r`, before the repo is copied unless it refers to repo files. */
export const pythonRequirementsBuildpack: Buildpack = {
  name: 'python-requirements',
  async detect(config) {
    if (!config.has('requirements.txt') || hasCondaEnvironment(config)) return null;
    const path = config.path('requirements.txt');
    const when = (await standAlone(config)) ? 'before the repo is copied' : 'after the repo is copied (it refers to files in the repo)';
    return [`requirements.txt: pip install -r ${path}, ${when}`];
  },
  async render(config, settings) {
    const path = config.path('requirements.txt');
    const install = pipRun(`-r ${path}`, settings);
    if (!(await standAlone(config))) return { afterRepo: [install] };
    return { beforeRepo: [`COPY --chown=${notebookOwner} ${path} ${notebookHome}/${path}`, install] };
  },
};

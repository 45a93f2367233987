import { basePythonVersion } from './base-image.js';
import { ConfigFiles } from './buildpacks/buildpack.js';
import { buildpacks } from './buildpacks/index.js';
import { checkPythonRuntime, readRuntime } from './buildpacks/runtime-txt.js';
import { refuseUnsupported } from './buildpacks/unsupported.js';
import { findConfigDir } from './config-dir.js';
import { defaultMaxEntries, type RepoFiles } from './repo-files.js';

export type { BuildContextSettings } from './build-settings.js';
export { renderDockerfile } from './dockerfile.js';

export interface BuildPlan {
  /** '' (repo root), 'binder' or '.binder': where environment files are read from. */
  configDir: string;
  /** The repo's own Dockerfile is used as is. */
  ownDockerfile: boolean;
  /** Detected buildpacks in the order they render, e.g. ['apt', 'python-requirements', 'post-build', 'start']; ['dockerfile'] for an own Dockerfile; [] for the bare base image + files. */
  buildpacks: string[];
  /** Human lines for the log and the dry-run, e.g. 'requirements.txt: pip install -r binder/requirements.txt'. */
  notes: string[];
}

/** Root files that binder/ hides: worth a note, since people expect them to count. */
const environmentFiles = ['Dockerfile', 'requirements.txt', 'apt.txt', 'postBuild', 'start', 'runtime.txt', 'environment.yml', 'setup.py', 'pyproject.toml'];

/**
 * Decides how a checkout becomes an image, following repo2docker's conventions: binder/ or
 * .binder/ first, an own Dockerfile as is, environments nblaunch cannot build refused (422
 * 'unsupported-environment') in repo2docker's detection order, then apt.txt, Python, postBuild, start.
 */
export async function detectBuildPlan(files: RepoFiles): Promise<BuildPlan> {
  const configDir = findConfigDir(files.paths);
  const config = new ConfigFiles(files, configDir);
  const notes: string[] = [];
  if ((files as { truncated?: boolean }).truncated === true) {
    notes.push(`the repo has more than ${defaultMaxEntries} files and folders: environment files were looked for among the first ones only`);
  }
  if (configDir !== '') {
    notes.push(`${configDir}/: environment files are read from ${configDir}/ only`);
    const hidden = environmentFiles.filter((name) => files.paths.has(name));
    if (hidden.length > 0) notes.push(`ignored at the repo root because ${configDir}/ exists: ${hidden.join(', ')}`);
  }

  if (config.has('Dockerfile')) {
    notes.push(`Dockerfile: ${config.path('Dockerfile')} is built as is, with the repo root as its context; other environment files are ignored`);
    return { configDir, ownDockerfile: true, buildpacks: ['dockerfile'], notes };
  }

  await refuseUnsupported(config);
  const runtime = await readRuntime(config);
  if (runtime?.kind === 'python') notes.push(checkPythonRuntime(config, runtime));

  const detected: string[] = [];
  for (const buildpack of buildpacks) {
    const found = await buildpack.detect(config);
    if (found === null) continue;
    detected.push(buildpack.name);
    notes.push(...found);
  }
  if (detected.length === 0) {
    notes.push(`no environment files: the base image (Python ${basePythonVersion}, Jupyter Notebook) as is, with the repo's files in the home directory`);
  }
  return { configDir, ownDockerfile: false, buildpacks: detected, notes };
}

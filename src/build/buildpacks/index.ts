import { aptBuildpack } from './apt.js';
import type { Buildpack } from './buildpack.js';
import { environmentYmlBuildpack } from './environment-yml.js';
import { postBuildBuildpack } from './post-build.js';
import { pythonPackageBuildpack } from './python-package.js';
import { pythonRequirementsBuildpack } from './python-requirements.js';
import { startBuildpack } from './start.js';

/** Buildpacks of a non-Dockerfile environment, in the order they are detected and rendered. */
export const buildpacks: readonly Buildpack[] = [
  aptBuildpack,
  environmentYmlBuildpack,
  pythonRequirementsBuildpack,
  pythonPackageBuildpack,
  postBuildBuildpack,
  startBuildpack,
];

export function buildpackNamed(name: string): Buildpack {
  const found = buildpacks.find((buildpack) => buildpack.name === name);
  if (!found) throw new Error(`unknown buildpack "${name}" in a build plan`);
  return found;
}

import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { basePythonVersion } from '../base-image.js';
import type { BuildContextSettings } from '../build-settings.js';
import type { Buildpack, ConfigFiles } from './buildpack.js';
import { isNonPython, isProvidedByBase, parseCondaSpec, pipRequirement, pythonSatisfies } from './conda-spec.js';
import { pipInstall } from './pip.js';
import { invalidFile } from './refusal.js';

/**
 * What an environment.yml asks for, read without conda (nblaunch's base image has none, and a
 * build may reach no conda channel): Python packages go to pip under their PyPI names, the
 * Python pin is checked against the base image's Python, and what pip cannot provide is refused.
 */
export interface CondaEnvironment {
  /** pip requirements from the conda dependencies and the pip: entries that stand alone: installed before the repo is copied. */
  standAlone: string[];
  /** pip: entries that refer to repo files (-r, -e, local paths): installed after the repo is copied, from the file's folder. */
  withRepo: string[][];
  /** Conda packages the base image provides, skipped. */
  skipped: string[];
  /** The Python pin as written, when there is one. */
  python?: string;
}

const fileName = 'environment.yml';
const pipOptionsWithValue = new Set(['-r', '--requirement', '-e', '--editable', '-c', '--constraint']);

function refuse(config: ConfigFiles, problem: string) {
  return invalidFile(config.path(fileName), 'invalid-environment-yml', problem);
}

/** A pip: entry as pip arguments, and whether it needs the repo's files; throws for options nblaunch does not pass on. */
function pipEntry(config: ConfigFiles, entry: string): { args: string[]; needsRepo: boolean } {
  const text = entry.trim();
  if (text === '' || /[\0-\x1f\x7f]/.test(text)) throw refuse(config, `the pip: entry ${JSON.stringify(entry.slice(0, 80))} is empty or holds control characters.`);
  if (text.startsWith('-')) {
    const [option, ...rest] = text.split(/\s+/);
    const value = rest.join(' ') || (option!.includes('=') ? option!.slice(option!.indexOf('=') + 1) : '');
    const name = option!.split('=')[0]!;
    if (!pipOptionsWithValue.has(name) || value === '') {
      throw refuse(config, `the pip: entry "${text.slice(0, 80)}" uses a pip option nblaunch does not pass on; only -r, -e and -c (with a file or path) are, and the package index is the launcher's.`);
    }
    return { args: [name, value], needsRepo: !/^[a-z+]+:\/\//i.test(value) || value.startsWith('file:') };
  }
  const local = text.startsWith('.') || text.startsWith('/') || text.startsWith('file:');
  return { args: [text], needsRepo: local };
}

/** Reads and checks environment.yml; throws its 422 for what cannot be built without conda. */
export async function readCondaEnvironment(config: ConfigFiles): Promise<CondaEnvironment> {
  const text = await config.read(fileName);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw refuse(config, `it is not valid YAML (${(error as Error).message.split('\n')[0]}).`);
  }
  document ??= {};
  if (typeof document !== 'object' || Array.isArray(document)) throw refuse(config, 'it must be a mapping with a "dependencies:" list.');
  const dependencies = (document as Record<string, unknown>).dependencies ?? [];
  if (!Array.isArray(dependencies)) throw refuse(config, '"dependencies:" must be a list.');

  const environment: CondaEnvironment = { standAlone: [], withRepo: [], skipped: [] };
  const notPython: string[] = [];
  for (const dependency of dependencies) {
    if (dependency !== null && typeof dependency === 'object' && !Array.isArray(dependency) && 'pip' in dependency) {
      const entries = (dependency as { pip: unknown }).pip ?? [];
      if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'string')) throw refuse(config, '"pip:" must be a list of requirements.');
      for (const entry of entries as string[]) {
        const { args, needsRepo } = pipEntry(config, entry);
        if (needsRepo) environment.withRepo.push(args);
        else environment.standAlone.push(...args);
      }
      continue;
    }
    if (typeof dependency !== 'string' && typeof dependency !== 'number') throw refuse(config, `the dependency ${JSON.stringify(dependency)?.slice(0, 80)} is neither a package spec nor a "pip:" list.`);
    const spec = parseCondaSpec(String(dependency));
    if ('problem' in spec) throw refuse(config, `${spec.problem}.`);
    if (spec.name === 'python') {
      if (!pythonSatisfies(basePythonVersion, spec.clauses)) {
        throw invalidFile(
          config.path(fileName), 'unsupported-environment',
          `it asks for Python "${String(dependency)}", and the only Python nblaunch has is ${basePythonVersion}: write python=${basePythonVersion}, or remove the pin.`,
        );
      }
      environment.python = String(dependency);
    } else if (isProvidedByBase(spec.name)) {
      environment.skipped.push(spec.name);
    } else if (isNonPython(spec.name)) {
      notPython.push(spec.name);
    } else {
      environment.standAlone.push(pipRequirement(spec));
    }
  }
  if (notPython.length > 0) {
    throw invalidFile(
      config.path(fileName), 'unsupported-environment',
      `it asks conda for ${notPython.join(', ')}, which pip cannot install, and nblaunch has no conda: list Debian packages in apt.txt instead, or remove them.`,
    );
  }
  return environment;
}

/** A word for a RUN line, single-quoted (entries come from the repo and must never become shell syntax). */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function quotedPipInstall(args: string[], settings: BuildContextSettings): string {
  return pipInstall(args.map(shellQuote).join(' '), settings);
}

/**
 * environment.yml (conda's), without conda: its Python packages installed with pip before the
 * repo is copied, pip: entries that need the repo after it, from environment.yml's folder (as
 * conda runs them). It takes precedence over requirements.txt and setup.py, as in repo2docker.
 */
export const environmentYmlBuildpack: Buildpack = {
  name: 'environment-yml',
  async detect(config) {
    if (!config.has(fileName)) return null;
    const environment = await readCondaEnvironment(config);
    const notes = [`${fileName}: nblaunch has no conda; its Python packages are installed with pip${environment.standAlone.length > 0 ? `: ${environment.standAlone.join(' ')}` : ' (none listed)'}`];
    if (environment.python) notes.push(`${fileName}: ${environment.python}, the base image's Python ${basePythonVersion}`);
    if (environment.skipped.length > 0) notes.push(`${fileName}: skipped, the base image has them: ${environment.skipped.join(', ')}`);
    if (environment.withRepo.length > 0) notes.push(`${fileName}: after the repo is copied: pip install ${environment.withRepo.map((args) => args.join(' ')).join(', ')}`);
    const ignored = ['requirements.txt', 'setup.py', 'pyproject.toml'].filter((name) => (name === 'requirements.txt' ? config.has(name) : config.hasAtRootOnly(name)));
    if (ignored.length > 0) notes.push(`ignored because ${fileName} takes precedence (repo2docker's rule): ${ignored.join(', ')}`);
    return notes;
  },
  async render(config, settings) {
    const environment = await readCondaEnvironment(config);
    const folder = posix.dirname(config.path(fileName));
    const cd = folder === '.' ? '' : `cd ${shellQuote(folder)} && `;
    return {
      ...(environment.standAlone.length > 0 ? { beforeRepo: [`RUN ${quotedPipInstall(environment.standAlone, settings)}`] } : {}),
      ...(environment.withRepo.length > 0 ? { afterRepo: [`RUN ${cd}${quotedPipInstall(environment.withRepo.flat(), settings)}`] } : {}),
    };
  },
};

/** Whether the Python buildpacks step aside for environment.yml. */
export function hasCondaEnvironment(config: ConfigFiles): boolean {
  return config.has(fileName);
}

import type { ConfigFiles } from './buildpack.js';
import { unsupported } from './refusal.js';
import { readRuntime } from './runtime-txt.js';

interface Unsupported {
  kind: string;
  /** Config file names, in the order repo2docker looks for them. */
  names: string[];
  /** Only at the repo root, and only without binder/ (repo2docker's rule for DESCRIPTION). */
  rootOnly?: boolean;
  /** Also asked for by runtime.txt `r-…`. */
  runtimeR?: boolean;
  advice?: string;
  /** Built by nblaunch: detection stops here, as repo2docker's picks this buildpack over those after it. */
  supported?: boolean;
}

/** repo2docker's buildpacks that come before Python, in its order: the first one found is named. */
const beforePython: Unsupported[] = [
  { kind: 'Julia', names: ['Project.toml', 'JuliaProject.toml', 'REQUIRE'] },
  { kind: 'Nix', names: ['default.nix'] },
  { kind: 'R', names: ['install.R'], runtimeR: true },
  { kind: 'R', names: ['DESCRIPTION'], rootOnly: true },
  { kind: 'conda', names: ['environment.yml'], supported: true },
  { kind: 'Pipenv', names: ['Pipfile', 'Pipfile.lock'], advice: ' List the packages in requirements.txt instead.' },
];

/** Refuses, with a 422 'unsupported-environment' naming the file, the first environment nblaunch cannot build yet. */
export async function refuseUnsupported(config: ConfigFiles): Promise<void> {
  const runtime = await readRuntime(config);
  for (const entry of beforePython) {
    if (entry.runtimeR && runtime?.kind === 'r') throw unsupported(config.path('runtime.txt'), `R (${runtime.text})`, '');
    const name = entry.names.find((candidate) => (entry.rootOnly ? config.hasAtRootOnly(candidate) : config.has(candidate)));
    if (name !== undefined && entry.supported) return;
    if (name !== undefined) throw unsupported(config.path(name), entry.kind, entry.advice ?? '');
  }
}

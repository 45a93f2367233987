import { LauncherError } from '../errors/launcher-error.js';

function hasDir(paths: Set<string>, dir: string): boolean {
  const prefix = `${dir}/`;
  for (const path of paths) if (path.startsWith(prefix)) return true;
  return false;
}

/**
 * Where environment files are read from: binder/ or .binder/ when the repo has one (then the
 * root's are ignored, as in repo2docker), else the repo root (''). Both is ambiguous.
 */
export function findConfigDir(paths: Set<string>): '' | 'binder' | '.binder' {
  const binder = hasDir(paths, 'binder');
  const dotBinder = hasDir(paths, '.binder');
  if (binder && dotBinder) {
    throw new LauncherError(422, 'ambiguous-config', 'The repo has both binder/ and .binder/, and nblaunch reads environment files from only one of them: keep one.');
  }
  return binder ? 'binder' : dotBinder ? '.binder' : '';
}

import { LauncherError } from '../../errors/launcher-error.js';

/** The 422 for an environment nblaunch cannot build (yet); names the file that asked for it. */
export function unsupported(file: string, kind: string, advice: string): LauncherError {
  return new LauncherError(
    422, 'unsupported-environment',
    `The repo's ${file} is for ${kind}, which nblaunch does not build yet.${advice}`,
    { details: { file } },
  );
}

/** The 422 for an environment file that is there but unusable as written. */
export function invalidFile(file: string, reason: string, problem: string, lineNumber?: number): LauncherError {
  const where = lineNumber === undefined ? file : `${file} line ${lineNumber}`;
  return new LauncherError(422, reason, `The repo's ${where}: ${problem}`, { details: { file, ...(lineNumber === undefined ? {} : { line: lineNumber }) } });
}

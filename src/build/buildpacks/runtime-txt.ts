import { basePythonVersion } from '../base-image.js';
import type { ConfigFiles } from './buildpack.js';
import { invalidFile, unsupported } from './refusal.js';

export type Runtime = { kind: 'python'; text: string; version: string } | { kind: 'r'; text: string };

/** runtime.txt's first meaningful line, parsed the way repo2docker reads it; null without the file. */
export async function readRuntime(config: ConfigFiles): Promise<Runtime | null> {
  if (!config.has('runtime.txt')) return null;
  const text = (await config.read('runtime.txt')).split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '') ?? '';
  const python = /^python-(\d+(?:\.\d+){0,2})$/.exec(text);
  if (python) return { kind: 'python', text, version: python[1]! };
  if (text.startsWith('r-')) return { kind: 'r', text };
  throw invalidFile(
    config.path('runtime.txt'), 'unsupported-environment',
    `"${text.slice(0, 80)}" is not a runtime nblaunch knows; it builds python-${basePythonVersion} only.`,
  );
}

/**
 * Checks a python-x.y runtime against the one Python of the base image; answers the note to show.
 * python-3 and python-3.11.z are accepted (repo2docker also ignores the patch level).
 */
export function checkPythonRuntime(config: ConfigFiles, runtime: Runtime & { kind: 'python' }): string {
  const [major, minor] = runtime.version.split('.');
  const [baseMajor, baseMinor] = basePythonVersion.split('.');
  if (major === baseMajor && (minor === undefined || minor === baseMinor)) {
    return `runtime.txt: ${runtime.text}, the base image's Python ${basePythonVersion}`;
  }
  throw unsupported(
    config.path('runtime.txt'), `Python ${runtime.version}`,
    ` The only Python available is ${basePythonVersion}: write python-${basePythonVersion} in runtime.txt, or remove it.`,
  );
}

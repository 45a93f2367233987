import type { BuildContextSettings } from '../build-settings.js';

/** `pip install …` as a shell command; the index (an ARG declared by the generator) is passed in its environment. */
export function pipInstall(args: string, settings: BuildContextSettings): string {
  const env = settings.pipIndexUrl === '' ? '' : 'PIP_INDEX_URL="$PIP_INDEX_URL" ';
  return `${env}pip install --no-cache-dir ${args}`;
}

/** `pip install …` as a RUN line. */
export function pipRun(args: string, settings: BuildContextSettings): string {
  return `RUN ${pipInstall(args, settings)}`;
}

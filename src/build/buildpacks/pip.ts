import type { BuildContextSettings } from '../build-settings.js';

/** `pip install …` as a RUN line; the index (an ARG declared by the generator) is passed in its environment. */
export function pipRun(args: string, settings: BuildContextSettings): string {
  const env = settings.pipIndexUrl === '' ? '' : 'PIP_INDEX_URL="$PIP_INDEX_URL" ';
  return `RUN ${env}pip install --no-cache-dir ${args}`;
}

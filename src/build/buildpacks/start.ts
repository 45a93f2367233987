import { notebookHome, tini } from '../base-image.js';
import type { Buildpack } from './buildpack.js';

/**
 * start: made executable and put in front of the server command (tini → start → server).
 * It must end with `exec "$@"`, or the server never starts: that part is the repo's.
 */
export const startBuildpack: Buildpack = {
  name: 'start',
  async detect(config) {
    if (!config.has('start')) return null;
    // Read once so a link leaving the repo is refused here with its name, not met later in the build.
    await config.read('start');
    return [`start: ${config.path('start')} wraps the server command; it must end with exec "$@"`];
  },
  async render(config) {
    const path = config.path('start');
    return { afterRepo: [`RUN chmod +x ${path}`], entrypoint: [tini, '--', `${notebookHome}/${path}`] };
  },
};

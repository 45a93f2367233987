import type { Buildpack } from './buildpack.js';

/** postBuild: made executable and run as jovyan from the home directory, after everything else is installed. */
export const postBuildBuildpack: Buildpack = {
  name: 'post-build',
  async detect(config) {
    if (!config.has('postBuild')) return null;
    // Read once so a link leaving the repo is refused here with its name, not met later in the build.
    await config.read('postBuild');
    return [`postBuild: ./${config.path('postBuild')} runs as jovyan, last (it needs a #! line)`];
  },
  async render(config) {
    const path = config.path('postBuild');
    return { afterRepo: [`RUN chmod +x ${path} \\\n && ./${path}`] };
  },
};

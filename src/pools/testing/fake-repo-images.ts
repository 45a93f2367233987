import { BuildJob } from '../../build/build-job.js';
import { LauncherError } from '../../errors/launcher-error.js';
import type { RepoSpec } from '../../repos/repo-spec.js';
import type { RepoImages } from '../pool-state.js';

/** Repo images by display name, set by the test; every image "builds" at once. */
export class FakeRepoImages implements RepoImages {
  readonly current = new Map<string, string>();
  readonly builds: string[] = [];

  async resolve(repo: RepoSpec): Promise<{ sha: string; imageName: string }> {
    const imageName = this.current.get(repo.displayName);
    if (!imageName) throw new LauncherError(404, 'ref-not-found', `No image set for ${repo.displayName}.`);
    return { sha: imageName.split(':').pop()!, imageName };
  }

  async jobFor(_repo: RepoSpec, _sha: string, imageName: string): Promise<BuildJob> {
    this.builds.push(imageName);
    const job = new BuildJob(imageName);
    job.succeed();
    return job;
  }
}

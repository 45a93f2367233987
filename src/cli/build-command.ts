import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import { specFromUrl } from '../repos/repo-spec.js';
import { builderFromConfig } from '../build/builder-from-config.js';

export async function buildCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, ref: { type: 'string' } } });
  const url = positionals[0];
  if (!url || positionals.length > 1) {
    console.error('usage: nblaunch build [--dry-run] <repo-url> [--ref REF]');
    return 2;
  }
  const repo = specFromUrl(url, values.ref, config);
  const builder = builderFromConfig(config);
  if (values['dry-run']) {
    const plan = await builder.dryRun(repo);
    console.log(`repository: ${repo.displayName} (${repo.cloneUrl})`);
    console.log(`ref:        ${repo.ref} -> ${plan.sha}`);
    console.log(`image:      ${plan.imageName}`);
    console.log(`link:       /v2/${repo.provider}/${repo.spec}`);
    console.log(`buildpacks: ${plan.plan.buildpacks.join(', ') || '(none: the base image plus the repo\'s files)'}`);
    for (const note of plan.plan.notes) console.log(`  - ${note}`);
    console.log('\n--- Dockerfile ---');
    console.log(plan.dockerfile);
    return 0;
  }
  const { sha, imageName } = await builder.resolve(repo);
  const job = await builder.jobFor(repo, sha, imageName);
  job.subscribe((event) => process.stdout.write(event.phase === 'building' ? event.message : `[${event.phase}] ${event.message}`));
  await job.done;
  return 0;
}

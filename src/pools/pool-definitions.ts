import type { Config } from '../config/schema.js';
import { parseSpec, type RepoSpec } from '../repos/repo-spec.js';

export const defaultPoolKey = 'default';

export interface PoolDefinition {
  /** `default`, or `<provider>/<spec>` (the spec normalised as in /v2 links) for a repo pool. */
  key: string;
  size: number;
  /** A repo pool's repo; its image follows the ref. None for the default pool (`image`). */
  repo?: RepoSpec;
}

/**
 * The pools the configuration asks for: `default` of `pool.size`, and one per `pool.repos`
 * entry. A spec that does not parse throws its 400 `bad-spec` LauncherError, so a launcher
 * with a mistyped pool does not start.
 */
export function poolDefinitions(config: Pick<Config, 'pool' | 'repos' | 'git'>): PoolDefinition[] {
  const pools = new Map<string, PoolDefinition>([[defaultPoolKey, { key: defaultPoolKey, size: config.pool.size }]]);
  for (const entry of config.pool.repos) {
    const equals = entry.lastIndexOf('=');
    const [provider, ...specParts] = entry.slice(0, equals).split('/');
    const repo = parseSpec(provider ?? '', specParts.join('/'), config);
    const key = `${repo.provider}/${repo.spec}`;
    pools.set(key, { key, size: Number(entry.slice(equals + 1)), repo });
  }
  return [...pools.values()];
}

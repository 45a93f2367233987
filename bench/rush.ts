import { bootLauncher, type Harness } from '../src/testing/launcher-harness.js';
import type { BenchOptions } from './launch.js';
import { plainDockerRun } from './launch.js';
import { launchToTree, waitForPool } from './pool-helpers.js';
import { printTable, round, summarize } from './stats.js';

interface RushResult { requests: number; pool: number; succeeded: number; failed: number; p50: number; p95: number; max: number }

async function rush(requests: number, pool: number): Promise<RushResult> {
  const harness: Harness = await bootLauncher({
    trustProxy: true,
    pool: { size: pool },
    capacity: { maxServers: Math.max(requests, pool) + 5, maxServersPerIp: 5 },
    server: { startTimeoutSeconds: 180 },
  });
  try {
    await waitForPool(harness.url, pool);
    const results = await Promise.allSettled(Array.from({ length: requests }, (_, index) => launchToTree(harness.url, `198.51.100.${index + 1}`)));
    const times = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.ms] : []));
    const stats = summarize(times);
    return { requests, pool, succeeded: times.length, failed: requests - times.length, p50: round(stats.p50), p95: round(stats.p95), max: round(stats.max) };
  } finally {
    await harness.cleanup();
  }
}

export async function benchRush(options: BenchOptions): Promise<Record<string, unknown>> {
  const image = 'nblaunch/base:latest';
  await plainDockerRun(image);
  const floor = await plainDockerRun(image);
  const scenarios: Array<[number, number]> = options.quick ? [[20, 20], [20, 5]] : [[20, 20], [60, 60], [20, 5]];
  const rows: RushResult[] = [];
  for (const [requests, pool] of scenarios) rows.push(await rush(requests, pool));
  printTable(rows.map((row) => ({
    scenario: `${row.requests} at once, pool of ${row.pool}`, ok: `${row.succeeded}/${row.requests}`,
    p50_ms: row.p50, p95_ms: row.p95, max_ms: row.max, max_vs_cold_floor: round(row.max / floor, 2),
  })));
  console.log(`single cold launch floor (plain docker run until ready): ${round(floor)} ms`);
  const find = (requests: number, pool: number) => rows.find((row) => row.requests === requests && row.pool === pool);
  return {
    benchmark: 'rush',
    coldFloorMs: round(floor),
    rush20Pool20P95Ms: find(20, 20)?.p95,
    rush20Pool20Succeeded: find(20, 20)?.succeeded,
    rush60Pool60P95Ms: find(60, 60)?.p95 ?? null,
    rush60Pool60Succeeded: find(60, 60)?.succeeded ?? null,
    rush20Pool5P50Ms: find(20, 5)?.p50,
    rush20Pool5P95Ms: find(20, 5)?.p95,
    rush20Pool5MaxMs: find(20, 5)?.max,
    rush20Pool5Succeeded: find(20, 5)?.succeeded,
    rush20Pool5MaxVsColdFloor: round((find(20, 5)?.max ?? 0) / floor, 2),
  };
}

import { setTimeout as sleep } from 'node:timers/promises';

interface PoolState { ready: number; size: number }

/** Waits until the launcher's pools hold `ready` servers (GET /api/pools), or fails after `timeoutMs`. */
export async function waitForPool(baseUrl: string, ready: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/api/pools`).catch(() => undefined);
    if (response?.ok) {
      const body = await response.json() as { pools?: Record<string, PoolState> } | Record<string, PoolState>;
      const pools = ('pools' in body && body.pools ? body.pools : body) as Record<string, PoolState>;
      const total = Object.values(pools).reduce((sum, pool) => sum + (pool.ready ?? 0), 0);
      if (total >= ready) return;
    }
    await sleep(250);
  }
  throw new Error(`the pool did not reach ${ready} ready servers within ${timeoutMs / 1000} s`);
}

/** POST /api/sessions, then GET the tree page through the proxy until 200: what a browser waits for. */
export async function launchToTree(baseUrl: string, clientAddress?: string): Promise<{ ms: number; id: string; token: string }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/sessions`, { method: 'POST', headers: clientAddress ? { 'x-forwarded-for': clientAddress } : {} });
  const body = await response.json() as { id: string; url: string; token: string; message?: string };
  if (response.status !== 201) throw new Error(`launch answered ${response.status}: ${body.message}`);
  for (;;) {
    const tree = await fetch(`${body.url}tree`, { headers: { authorization: `token ${body.token}` }, redirect: 'manual' });
    await tree.arrayBuffer();
    if (tree.status === 200) return { ms: performance.now() - started, id: body.id, token: body.token };
    await sleep(20);
  }
}

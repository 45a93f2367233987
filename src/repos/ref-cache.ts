const maxEntries = 5000;

/**
 * Resolved refs per (clone URL, ref), kept for `ttlMs`. Concurrent lookups of the same ref share
 * one request: a workshop's rush of clicks on one link asks the remote once. Failures are not kept.
 */
export class RefCache {
  private readonly resolved = new Map<string, { sha: string; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(url: string, ref: string, lookUp: () => Promise<string>): Promise<string> {
    const key = `${url}\n${ref}`;
    const hit = this.resolved.get(key);
    if (hit && hit.expiresAt > this.now()) return Promise.resolve(hit.sha);
    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const lookup = lookUp()
      .then((sha) => {
        if (this.ttlMs > 0) this.remember(key, sha);
        return sha;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private remember(key: string, sha: string): void {
    this.resolved.delete(key);
    this.resolved.set(key, { sha, expiresAt: this.now() + this.ttlMs });
    if (this.resolved.size <= maxEntries) return;
    const now = this.now();
    for (const [oldKey, entry] of this.resolved) {
      if (entry.expiresAt <= now || this.resolved.size > maxEntries) this.resolved.delete(oldKey);
    }
  }
}

import type { Route, RouteStore, RouteTarget } from './route-store.js';

/**
 * The proxy's view of the routes: an in-memory map in front of the RouteStore, so the hot path
 * needs no Redis round trip. A miss falls through to the store, so a route added by another
 * launcher process is still found; `sync` replaces the map from the store.
 */
export class RouteTable {
  private readonly routes = new Map<string, RouteTarget>();

  constructor(private readonly store: RouteStore) {}

  async add(id: string, target: RouteTarget, now = Date.now()): Promise<void> {
    await this.store.add(id, target, now);
    this.routes.set(id, target);
  }

  async remove(id: string): Promise<void> {
    this.routes.delete(id);
    await this.store.remove(id);
  }

  /** The target for `id`, or null when the launcher made no such route. */
  async lookup(id: string): Promise<RouteTarget | null> {
    const cached = this.routes.get(id);
    if (cached) return cached;
    const stored = await this.store.get(id);
    if (!stored) return null;
    const target = { host: stored.host, port: stored.port };
    this.routes.set(id, target);
    return target;
  }

  async sync(): Promise<void> {
    const all = await this.store.all();
    this.routes.clear();
    for (const route of all) this.routes.set(route.id, { host: route.host, port: route.port });
  }

  all(): Promise<Route[]> {
    return this.store.all();
  }

  get size(): number {
    return this.routes.size;
  }
}

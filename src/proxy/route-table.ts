import { targetOf, type Route, type RouteStore, type RouteTarget } from './route-store.js';

/**
 * The proxy's view of the routes: an in-memory map kept in step with the RouteStore by its
 * change feed (Redis pub/sub), so the hot path needs no Redis round trip and every launcher
 * process sharing the store agrees. A miss still asks the store, which covers the moment
 * between a route's creation and its announcement; `sync` replaces the map from the store.
 */
export class RouteTable {
  private readonly routes = new Map<string, RouteTarget>();
  private unwatch: (() => Promise<void>) | undefined;

  constructor(private readonly store: RouteStore) {}

  /** Follows the store's change feed, then loads every route. */
  async start(onResyncError: (error: Error) => void = () => undefined): Promise<void> {
    this.unwatch = await this.store.watch(
      (change) => {
        if (change.type === 'add') this.routes.set(change.id, change.target);
        else this.routes.delete(change.id);
      },
      () => { this.sync().catch(onResyncError); },
    );
    await this.sync();
  }

  async stop(): Promise<void> {
    await this.unwatch?.();
    this.unwatch = undefined;
  }

  /** The target from memory only: the proxy's hot path. */
  peek(id: string): RouteTarget | undefined {
    return this.routes.get(id);
  }

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
    const target = targetOf(stored);
    this.routes.set(id, target);
    return target;
  }

  async sync(): Promise<void> {
    const all = await this.store.all();
    this.routes.clear();
    for (const route of all) this.routes.set(route.id, targetOf(route));
  }

  /** The stored route with its last activity, from the store. */
  get(id: string): Promise<Route | null> {
    return this.store.get(id);
  }

  all(): Promise<Route[]> {
    return this.store.all();
  }

  get size(): number {
    return this.routes.size;
  }
}

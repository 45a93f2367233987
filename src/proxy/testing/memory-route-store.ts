import { LauncherError } from '../../errors/launcher-error.js';
import { targetOf, type Route, type RouteChange, type RouteStore, type RouteTarget } from '../route-store.js';

/** An in-process RouteStore with the semantics of RedisRouteStore. */
export class MemoryRouteStore implements RouteStore {
  private readonly routes = new Map<string, Route>();
  /** While true every call fails as Redis being down does (503 `store-unavailable`). */
  unavailable = false;
  /** Calls to recordActivity that reached the store, with a copy of each batch. */
  readonly activityBatches: Array<Map<string, number>> = [];

  private readonly watchers = new Set<(change: RouteChange) => void>();

  async add(id: string, target: RouteTarget, now: number): Promise<void> {
    this.check();
    this.routes.set(id, { id, ...targetOf(target), lastActivity: now });
    this.announce({ type: 'add', id, target: targetOf(target) });
  }

  async get(id: string): Promise<Route | null> {
    this.check();
    const route = this.routes.get(id);
    return route ? { ...route, ...targetOf(route) } : null;
  }

  async remove(id: string): Promise<void> {
    this.check();
    this.routes.delete(id);
    this.announce({ type: 'remove', id });
  }

  async watch(onChange: (change: RouteChange) => void): Promise<() => Promise<void>> {
    this.check();
    this.watchers.add(onChange);
    return async () => { this.watchers.delete(onChange); };
  }

  private announce(change: RouteChange): void {
    for (const watcher of this.watchers) watcher(change);
  }

  async all(): Promise<Route[]> {
    this.check();
    return [...this.routes.values()].map((route) => ({ ...route, ...targetOf(route) }));
  }

  async recordActivity(latest: Map<string, number>): Promise<void> {
    this.check();
    this.activityBatches.push(new Map(latest));
    for (const [id, time] of latest) {
      const route = this.routes.get(id);
      if (route && time > route.lastActivity) route.lastActivity = time;
    }
  }

  private check(): void {
    if (this.unavailable) {
      throw new LauncherError(503, 'store-unavailable', 'The launcher\'s session store (Redis) is not reachable right now.');
    }
  }
}

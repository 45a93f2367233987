/** Whose server a route leads to: only that attendee (or an organizer) may pass. Anonymous servers have none. */
export interface ServerOwner {
  workshop: string;
  attendeeId: string;
}

export interface RouteTarget {
  host: string;
  port: number;
  owner?: ServerOwner;
}

export interface Route extends RouteTarget {
  id: string;
  lastActivity: number;
}

/** The routes the launcher created; the proxy forwards to nothing else. */
export interface RouteStore {
  add(id: string, target: RouteTarget, now: number): Promise<void>;
  get(id: string): Promise<Route | null>;
  remove(id: string): Promise<void>;
  all(): Promise<Route[]>;
  /** Raises each route's last activity to the given time; routes that are gone stay gone. */
  recordActivity(latest: Map<string, number>): Promise<void>;
  /**
   * Tells `onChange` about every route added or removed by any process sharing the store, and
   * calls `onResync` when changes may have been missed (a reconnect). Resolves to the unsubscribe.
   */
  watch(onChange: (change: RouteChange) => void, onResync: () => void): Promise<() => Promise<void>>;
}

export type RouteChange = { type: 'add'; id: string; target: RouteTarget } | { type: 'remove'; id: string };

/** Only the target's own fields: what the route table keeps and the change feed carries. */
export function targetOf(route: RouteTarget): RouteTarget {
  return { host: route.host, port: route.port, ...(route.owner ? { owner: { workshop: route.owner.workshop, attendeeId: route.owner.attendeeId } } : {}) };
}

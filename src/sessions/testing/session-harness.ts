import { configSchema, type Config } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/testing.js';
import { RouteTable } from '../../proxy/route-table.js';
import { MemoryRouteStore } from '../../proxy/testing/memory-route-store.js';
import { FakeSpawner } from '../../runtime/testing/fake-spawner.js';
import { SessionManager } from '../session-manager.js';
import { MemorySessionStore } from './memory-session-store.js';

export interface SessionHarnessOptions {
  spawner?: FakeSpawner;
  /** Settings over the schema defaults, e.g. `{ capacity: { maxServers: 2 } }`. */
  settings?: Record<string, unknown>;
}

/** The session manager wired to in-memory doubles and a clock the test moves by hand. */
export function sessionHarness(options: SessionHarnessOptions = {}) {
  const clock = { now: Date.UTC(2025, 0, 1, 12) };
  const now = () => clock.now;
  const config: Config = configSchema.parse({ image: 'nblaunch/test:1', ...options.settings });
  const spawner = options.spawner ?? new FakeSpawner();
  const sessions = new MemorySessionStore({ now });
  const routeStore = new MemoryRouteStore();
  const routes = new RouteTable(routeStore);
  const logger: Logger = silentLogger();
  const manager = new SessionManager({ config, spawner, sessions, routes, logger, now });
  return {
    clock, now, config, spawner, sessions, routeStore, routes, logger, manager,
    /** Moves the clock forward by `ms`. */
    advance(ms: number): void {
      clock.now += ms;
    },
  };
}

export type SessionHarness = ReturnType<typeof sessionHarness>;

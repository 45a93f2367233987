import { MemoryRouteStore } from '../proxy/testing/memory-route-store.js';
import { MemorySessionStore } from '../sessions/testing/memory-session-store.js';
import { describePersistentStoresContract } from './testing/persistent-stores-contract.js';
import { MemoryPersistentServerStore } from './testing/memory-persistent-server-store.js';

describePersistentStoresContract('the in-memory doubles', async () => ({
  servers: new MemoryPersistentServerStore(), sessions: new MemorySessionStore(), routes: new MemoryRouteStore(), close: async () => undefined,
}));

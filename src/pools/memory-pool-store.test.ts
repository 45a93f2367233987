import { MemorySessionStore } from '../sessions/testing/memory-session-store.js';
import { MemoryPoolStore } from './testing/memory-pool-store.js';
import { describePoolStoreContract } from './testing/pool-store-contract.js';

describePoolStoreContract('MemoryPoolStore', async () => {
  const sessions = new MemorySessionStore();
  const pools = new MemoryPoolStore(sessions);
  return { pools, otherPools: pools, sessions, close: async () => undefined };
});

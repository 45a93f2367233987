import { describeWorkshopStoresContract } from './testing/workshop-stores-contract.js';
import { memoryWorkshopStores } from './testing/memory-workshop-stores.js';

describeWorkshopStoresContract('the in-memory doubles', async () => ({ stores: memoryWorkshopStores(), close: async () => undefined }));

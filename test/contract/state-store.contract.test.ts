import { afterAll, beforeAll } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { dynamoStore, startDynalite } from '../support/dynalite.js';
import { describeStateStoreContract } from './state-store.contract.js';

describeStateStoreContract('memory', async () => ({ store: new MemoryStateStore(), close: async () => undefined }));

let server: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(async () => server?.close());

describeStateStoreContract('DynamoDB (dynalite)', async () => ({ store: await dynamoStore(server.client), close: async () => undefined }));

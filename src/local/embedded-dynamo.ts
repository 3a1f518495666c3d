import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoStateStore } from '../adapters/aws/dynamodb-state-store.js';
import { closeDynaliteIterators } from './dynalite-iterators.js';
import { trackRequests } from './request-drain.js';
import { StoreIdentity } from './store-identity.js';

/** The state store of local mode: the production DynamoDB adapter against an embedded dynalite kept on disk. */
export interface EmbeddedDynamo {
  store: DynamoStateStore;
  /** The store's id, to tell the store this directory had from a new or replaced one. */
  identity: StoreIdentity;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Start dynalite on a loopback port with its data under `dir`, so that local
 * state (runs, journals, decisions) survives a restart, and the code path is
 * the one that runs on AWS.
 */
export async function startEmbeddedDynamo(dir: string, table = 'failover-state'): Promise<EmbeddedDynamo> {
  await mkdir(dir, { recursive: true });
  // dynalite 4 leaves every Query's leveldb iterators open: without this, local mode's memory grows with every read.
  closeDynaliteIterators();
  const server: Server = dynalite({ path: join(dir, 'dynalite'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Local credentials: dynalite does not check them, and no AWS account is involved.
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const requests = trackRequests(client);
  const store = new DynamoStateStore(client, table);
  await store.ensureTable();
  return {
    store,
    identity: new StoreIdentity(client, table),
    endpoint,
    async close() {
      // Requests in flight finish first: one reaching a closed dynalite crashes the process.
      await requests.drain();
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

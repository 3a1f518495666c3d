import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import { DynamoStateStore } from '../../src/adapters/aws/dynamodb-state-store.js';
import { closeDynaliteIterators } from '../../src/local/dynalite-iterators.js';

/** A dynalite server on an ephemeral loopback port (in memory unless `path` is given), and a client for it. */
export async function startDynalite(options: { path?: string } = {}): Promise<{ client: DynamoDBClient; endpoint: string; close(): Promise<void> }> {
  // The dynalite local mode runs (src/local/embedded-dynamo.ts), so that the contract covers it.
  closeDynaliteIterators();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
  return {
    client,
    endpoint,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A DynamoStateStore on a fresh table of a dynalite server. */
export async function dynamoStore(client: DynamoDBClient, table = `state-${Math.random().toString(36).slice(2, 8)}`): Promise<DynamoStateStore> {
  const store = new DynamoStateStore(client, table);
  await store.ensureTable();
  return store;
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLIENT_TIMEOUTS, handlerOptions } from './client-timeouts.js';
import { DynamoStateStore } from './dynamodb-state-store.js';

/** The DynamoDB StateStore with its own client, for compositions outside adapters/aws (they may not import the SDK). */
export function createDynamoStateStore(options: {
  table: string;
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}): { store: DynamoStateStore; destroy(): void } {
  const client = new DynamoDBClient({
    region: options.region,
    maxAttempts: 3,
    requestHandler: handlerOptions(CLIENT_TIMEOUTS.dynamodb),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return { store: new DynamoStateStore(client, options.table), destroy: () => client.destroy() };
}

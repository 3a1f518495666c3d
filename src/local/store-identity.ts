import { type DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { awsCall } from '../adapters/aws/aws-errors.js';

/** The item that names a state table's store: `pk = META`, `sk = STORE`, `storeId`. Never expires. */
const KEY = { pk: { S: 'META' }, sk: { S: 'STORE' } };

/**
 * Local mode only (no deployed function calls it, so no IAM action lists it).
 * Reads and writes the identity of a state table: an id written once when
 * local mode first uses the table, and kept in the state directory's
 * manifest too. A table whose id differs from the manifest's (or that has
 * none while the manifest says there was one) is not the store this
 * directory had: it was lost or replaced, and local mode says so.
 */
export class StoreIdentity {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** The table's store id, if it was ever given one. */
  async read(): Promise<string | undefined> {
    const out = await awsCall('GetItem', () => this.client.send(new GetItemCommand({ TableName: this.table, Key: KEY, ConsistentRead: true })));
    return out.Item?.['storeId']?.S;
  }

  /** Give the table its store id. */
  async write(storeId: string): Promise<void> {
    await awsCall('PutItem', () => this.client.send(new PutItemCommand({ TableName: this.table, Item: { ...KEY, storeId: { S: storeId } } })));
  }

  /** True when the table holds no item at all (a store created just now, or emptied). */
  async empty(): Promise<boolean> {
    const out = await awsCall('Scan', () => this.client.send(new ScanCommand({ TableName: this.table, Limit: 1, ProjectionExpression: 'pk' })));
    return (out.Items ?? []).length === 0;
  }
}

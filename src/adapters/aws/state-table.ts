import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single DynamoDB table behind the StateStore. Keys:
 *
 * | item            | pk                 | sk                         | byApp (gsi1pk / gsi1sk)      | byKind (gsi2pk / gsi2sk)  |
 * |-----------------|--------------------|----------------------------|------------------------------|---------------------------|
 * | app state       | `APP#<app>`        | `STATE`                    |                              |                           |
 * | run             | `RUN#<runId>`      | `RUN`                      | `RUNS#<app>` / `<createdAt>#<runId>` | `RUN` / `<createdAt>#<runId>` |
 * | journal entry   | `RUN#<runId>`      | `J#<seq, 10 digits>`       |                              |                           |
 * | run signal      | `RUN#<runId>`      | `SIG#<at>#<random>`        |                              |                           |
 * | decision        | `APP#<app>`        | `DEC#<at>#<random>`        |                              | `DEC` / `<at>#<random>`   |
 * | lease           | `LEASE#<name>`     | `LEASE`  (owner, token, leaseUntil ms; never TTL'd) |                |                           |
 * | observation     | `OBS#<app>#<region>` | `<at>#<vantage>`         |                              |                           |
 *
 * Times in sort keys are zero-padded epoch milliseconds so that they sort as
 * strings. `expiresAt` (epoch seconds) is the TTL attribute: decisions and
 * observations expire after their retention; runs and journals are kept.
 */
export const STATE_TABLE_KEYS = { pk: 'pk', sk: 'sk', ttl: 'expiresAt' } as const;

/** The CreateTable request for the state table (tests and local mode; serverless.yml declares the same). */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byApp',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byKind',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Zero-padded epoch ms: sorts as a string. */
export function timeKey(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, '0');
}

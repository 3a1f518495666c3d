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
 * | availability    | `AVAIL#<app>`      | `<hourStart>#<vantage>` (upMs, downMs, unmeasuredMs, mNN/dNN per minute; added with ADD) | |   |
 * | idempotency key | `IDEM#<caller>#<key>` | `IDEM` (state, fingerprint, validUntil ms, response) |             |                           |
 * | audit record    | `AUDIT`            | `<at>#<id>`                |                              |                           |
 * | sign-in session | `SESSION#<sha256 of id>` | `SESSION` (caller, tokenSha256, createdAt, validUntil ms) |    |                           |
 * | caller's session | `SESSIONS#<caller>` | `<sha256 of id>` (validUntil ms: 0 once ended) |          |                           |
 * | game-day drill  | `DRILL#<drillId>`  | `DRILL` (version: conditional puts) | `DRILLS#<app>` / `<createdAt>#<drillId>` | `DRILL` / `<createdAt>#<drillId>` |
 * | fencing epoch   | `FENCE#<app>`      | `EPOCH` (epoch, writerRegion, since, runId, reason: conditional puts) |  |                           |
 * | network fence   | `FENCE#<app>`      | `NET#<region>` (state, revoked rules, attempts; version: conditional puts) |  |                      |
 *
 * Times in sort keys are zero-padded epoch milliseconds so that they sort as
 * strings. `expiresAt` (epoch seconds) is the TTL attribute: decisions and
 * observations expire after their retention, idempotency keys a day after
 * their validity, audit records after a year, sign-in sessions (both items)
 * when they lapse; runs, journals and drills are kept. A session is refused
 * from its `validUntil` on, however late the TTL removes it; sign-out sets
 * `validUntil` to 0 on every session of the caller, found with one strongly
 * consistent Query of the caller's partition.
 * A drill is saved only over the version it was read at, so two controllers'
 * ticks and an operator's abort never overwrite each other.
 * Idempotency keys are claimed with a conditional put (absent or past
 * `validUntil`), so concurrent first uses of a key run one request.
 * The fencing epoch is the item applications read (GetItem on their own
 * region's replica) to know whether their region may write: it moves on
 * only over the epoch before it, and an absent `writerRegion` means writes
 * are frozen (a planned handover). Fences are kept, like runs.
 * Availability ledger hours (one item per app, hour and vantage point; the
 * minutes of the hour are attributes) expire 32 days after their hour, and
 * 30 days of them are one Query of at most 720 items per vantage point.
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

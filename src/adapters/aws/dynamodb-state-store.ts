import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, CreateTableCommand, DescribeTableCommand, type DynamoDBClient, ResourceNotFoundException, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, FencedError } from '../../errors/errors.js';
import type { Decision } from '../../policy/decision.js';
import type { AppState, AuditRecord, Fence, IdempotencyClaim, IdempotencyRecord, Lease, LeaseResult, NetworkFenceRecord, ObservationRecord, RunSignal, SessionRecord, StateStore, TrafficIntent, TrafficSetup, WriterEpoch } from '../../ports/state-store.js';
import type { JournalEntry, RunRecord } from '../../runbook/run.js';
import { awsCall, translateAwsError } from './aws-errors.js';
import { stateTableDefinition, timeKey } from './state-table.js';
import { addAvailabilityRequest, ledgerBucketFromItem, listAvailabilityQuery } from './dynamodb-availability.js';
import type { LedgerBucket } from '../../availability/types.js';
import { drillFromItem, getDrillRequest, listDrillsQuery, putDrillRequest } from './dynamodb-drills.js';
import type { WorldReport } from '../../readiness/world-report.js';
import type { DrillRecord } from '../../drills/drill.js';
import { claimRequest, completeRequest, getKeyRequest, listAuditRequest, putAuditRequest, releaseRequest, toAuditRecord, toIdempotencyRecord } from './dynamodb-api-records.js';
import { advanceEpochRequest, fromItem, getEpochRequest, getFenceRequest, listFencesQuery, putFenceRequest } from './dynamodb-fences.js';
import { callerSessionsQuery, endSessionRequests, getSessionRequest, putSessionRequests, toSessionRecord } from './dynamodb-sessions.js';

/** How long decisions are kept before DynamoDB's TTL removes them. */
const DECISION_RETENTION_S = 30 * 24 * 3600;
/** Observations are kept a little over 30 days: the availability window. */
const OBSERVATION_RETENTION_S = 32 * 24 * 3600;
/** BatchWriteItem takes at most 25 items. */
const BATCH_SIZE = 25;

/**
 * The StateStore on one DynamoDB table (layout in state-table.ts). Journal
 * appends and leases use conditional writes, so that two workers can never
 * write the same journal position or hold the same lease. Reads that decide
 * something (journal, lease holder, run) are strongly consistent.
 */
export class DynamoStateStore implements StateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Create the table when it does not exist (local mode and tests; on AWS serverless.yml creates it). */
  async ensureTable(): Promise<void> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      return;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    await awsCall('CreateTable', () => this.client.send(new CreateTableCommand(stateTableDefinition(this.table))));
    await waitUntilTableExists({ client: this.client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: this.table });
  }

  async getAppState(app: string): Promise<AppState | undefined> {
    const item = await this.get(`APP#${app}`, 'STATE');
    return item ? (strip(item) as unknown as AppState) : undefined;
  }

  async putAppState(state: AppState): Promise<void> {
    await this.put({ pk: `APP#${state.app}`, sk: 'STATE', ...state });
  }

  async getTrafficIntent(app: string): Promise<TrafficIntent | undefined> {
    const item = await this.get(`TRAFFIC#${app}`, 'INTENT');
    return item ? (strip(item) as unknown as TrafficIntent) : undefined;
  }

  async putTrafficIntent(intent: TrafficIntent): Promise<void> {
    await this.put({ pk: `TRAFFIC#${intent.app}`, sk: 'INTENT', ...intent });
  }

  async getTrafficSetup(app: string): Promise<TrafficSetup | undefined> {
    const item = await this.get(`TRAFFIC#${app}`, 'SETUP');
    return item ? (strip(item) as unknown as TrafficSetup) : undefined;
  }

  async putTrafficSetup(setup: TrafficSetup): Promise<void> {
    await this.put({ pk: `TRAFFIC#${setup.app}`, sk: 'SETUP', ...setup });
  }

  async putWorldReport(report: WorldReport): Promise<void> {
    await this.put({ pk: `WORLD#${report.app}`, sk: `VANTAGE#${report.vantage}`, ...report });
  }

  async listWorldReports(app: string): Promise<WorldReport[]> {
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `WORLD#${app}` } });
    return items.map((item) => strip(item) as unknown as WorldReport);
  }

  async putRun(run: RunRecord): Promise<void> {
    const order = `${timeKey(run.createdAt)}#${run.id}`;
    await this.put({ pk: `RUN#${run.id}`, sk: 'RUN', gsi1pk: `RUNS#${run.app}`, gsi1sk: order, gsi2pk: 'RUN', gsi2sk: order, ...run });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const item = await this.get(`RUN#${id}`, 'RUN');
    return item ? (strip(item) as unknown as RunRecord) : undefined;
  }

  async listRuns(filter: { app?: string; limit: number }): Promise<RunRecord[]> {
    const items = filter.app === undefined ? await this.queryIndex('byKind', 'gsi2pk', 'RUN', filter.limit) : await this.queryIndex('byApp', 'gsi1pk', `RUNS#${filter.app}`, filter.limit);
    return items.map((i) => strip(i) as unknown as RunRecord);
  }

  async appendJournal(entry: JournalEntry, fence?: Fence): Promise<void> {
    if (fence) {
      // Checked with a strongly consistent read just before the write. A lease
      // taken over between the two is caught by the sequence condition as soon
      // as the new holder writes; a TransactWriteItems ConditionCheck would close
      // that window on AWS, but the local DynamoDB (dynalite) has no transactions.
      const lease = await this.get(`LEASE#${fence.lease}`, 'LEASE');
      if (!lease || Number(lease['token']) !== fence.token) {
        throw new FencedError(`journal of ${entry.runId}: lease ${fence.lease} is no longer held with token ${fence.token}`);
      }
    }
    if (entry.seq > 1) {
      // The previous position must exist: no writer may leave a gap.
      const previous = await this.get(`RUN#${entry.runId}`, journalKey(entry.seq - 1));
      if (!previous) throw new ConflictError(`journal of ${entry.runId}: entry ${entry.seq - 1} does not exist, cannot append ${entry.seq}`);
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `RUN#${entry.runId}`, sk: journalKey(entry.seq), ...entry },
          // Two workers computing the same next position: only the first write lands.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConflictError(`journal of ${entry.runId}: position ${entry.seq} is already written`);
      throw translateAwsError(err, 'PutItem');
    }
  }

  async readJournal(runId: string): Promise<JournalEntry[]> {
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :j)', ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':j': 'J#' }, ConsistentRead: true });
    return items.map((i) => strip(i) as unknown as JournalEntry);
  }

  async addRunSignal(signal: RunSignal): Promise<void> {
    await this.put({ pk: `RUN#${signal.runId}`, sk: `SIG#${timeKey(signal.at)}#${randomBytes(4).toString('hex')}`, ...signal });
  }

  async listRunSignals(runId: string): Promise<RunSignal[]> {
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)', ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':s': 'SIG#' }, ConsistentRead: true });
    return items.map((i) => strip(i) as unknown as RunSignal);
  }

  async putObservations(observations: ObservationRecord[]): Promise<void> {
    for (let i = 0; i < observations.length; i += BATCH_SIZE) {
      let requests: Record<string, unknown>[] = observations.slice(i, i + BATCH_SIZE).map((o) => ({
        PutRequest: { Item: { pk: `OBS#${o.app}#${o.region}`, sk: `${timeKey(o.at)}#${o.vantage}`, expiresAt: Math.floor(o.at / 1000) + OBSERVATION_RETENTION_S, ...o } },
      }));
      // DynamoDB may leave some items unprocessed under load: send those again, a bounded number of times.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= 8) throw translateAwsError(Object.assign(new Error(`${requests.length} observations left unprocessed`), { name: 'ProvisionedThroughputExceededException' }), 'BatchWriteItem');
        const result = await awsCall('BatchWriteItem', () => this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests as never } })));
        requests = (result.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined) ?? [];
      }
    }
  }

  async listObservations(filter: { app: string; region: string; since: number; vantage?: string }): Promise<ObservationRecord[]> {
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :pk AND sk >= :since', ExpressionAttributeValues: { ':pk': `OBS#${filter.app}#${filter.region}`, ':since': timeKey(filter.since) } });
    return items.map((i) => strip(i) as unknown as ObservationRecord).filter((o) => filter.vantage === undefined || o.vantage === filter.vantage);
  }

  async addAvailability(increment: LedgerBucket): Promise<void> {
    await awsCall('UpdateItem', () => this.doc.send(new UpdateCommand(addAvailabilityRequest(this.table, increment))));
  }

  async listAvailability(filter: { app: string; fromHour: number; toHour: number }): Promise<LedgerBucket[]> {
    return (await this.queryAll(listAvailabilityQuery(filter))).map(ledgerBucketFromItem);
  }

  /**
   * An upsert on (app, at): a decision held on rewrites its entry under its
   * first `at` (src/controller/decision-log.ts). Two decisions of one app at
   * the same millisecond are one entry; rounds of an app are seconds apart.
   */
  async putDecision(decision: Decision): Promise<void> {
    const order = timeKey(decision.at);
    // Kept from its latest round on: a decision held for weeks must not expire while it still holds.
    const expiresAt = Math.floor((decision.lastAt ?? decision.at) / 1000) + DECISION_RETENTION_S;
    await this.put({ pk: `APP#${decision.app}`, sk: `DEC#${order}`, gsi2pk: 'DEC', gsi2sk: order, expiresAt, ...decision });
  }

  async listDecisions(filter: { app?: string; limit: number }): Promise<Decision[]> {
    let items: Record<string, unknown>[];
    if (filter.app === undefined) items = await this.queryIndex('byKind', 'gsi2pk', 'DEC', filter.limit);
    else {
      const page = await awsCall('Query', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
            ExpressionAttributeValues: { ':pk': `APP#${filter.app}`, ':d': 'DEC#' },
            ScanIndexForward: false,
            Limit: filter.limit,
          }),
        ),
      );
      items = page.Items ?? [];
    }
    return items.map((i) => strip(i) as unknown as Decision);
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<LeaseResult> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LEASE#${name}`, sk: 'LEASE' },
          // Free, expired, or ours already; the token only ever grows, so a holder that lost the lease is fenced off.
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil <= :now OR #owner = :owner',
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :exp, #name = :name, #token = if_not_exists(#token, :zero) + :one',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token', '#name': 'name' },
          ExpressionAttributeValues: { ':owner': owner, ':exp': now + ttlMs, ':now': now, ':zero': 0, ':one': 1, ':name': name },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { acquired: true, lease: toLease(result.Attributes!) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw translateAwsError(err, 'UpdateItem');
    }
    const holder = await this.get(`LEASE#${name}`, 'LEASE');
    // Released between our write and this read: report it as held by nobody we know; the caller may retry.
    return { acquired: false, holder: holder ? toLease(holder) : { name, owner: 'unknown', token: 0, expiresAt: now } };
  }

  async releaseLease(lease: Lease): Promise<void> {
    try {
      // Expire it rather than delete it: the token must keep growing, or a fenced-off writer could match a new holder's token.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LEASE#${lease.name}`, sk: 'LEASE' },
          ConditionExpression: '#owner = :owner AND #token = :token',
          UpdateExpression: 'SET leaseUntil = :zero REMOVE #owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
          ExpressionAttributeValues: { ':owner': lease.owner, ':token': lease.token, ':zero': 0 },
        }),
      );
    } catch (err) {
      // Someone else holds it now (ours expired and was taken over): nothing of ours to release.
      if (!(err instanceof ConditionalCheckFailedException)) throw translateAwsError(err, 'UpdateItem');
    }
  }

  async claimIdempotencyKey(claim: Omit<IdempotencyRecord, 'state' | 'response'>, now: number): Promise<IdempotencyClaim> {
    // A record that lapses between a refused claim and the read: claim again (a lapse can only happen once per validity).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(new PutCommand(claimRequest(this.table, claim, now)));
        return { claimed: true };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw translateAwsError(err, 'PutItem');
      }
      const existing = await this.getIdempotencyKey(claim.caller, claim.key, now);
      if (existing || attempt >= 2) return { claimed: false, existing: existing ?? { ...claim, state: 'pending' } };
    }
  }

  async completeIdempotencyKey(caller: string, key: string, response: NonNullable<IdempotencyRecord['response']>, validUntil: number): Promise<void> {
    await awsCall('UpdateItem', () => this.doc.send(new UpdateCommand(completeRequest(this.table, caller, key, response, validUntil))));
  }

  async releaseIdempotencyKey(caller: string, key: string): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand(releaseRequest(this.table, caller, key)));
    } catch (err) {
      // Already complete or gone: nothing pending to free.
      if (!(err instanceof ConditionalCheckFailedException)) throw translateAwsError(err, 'UpdateItem');
    }
  }

  async getIdempotencyKey(caller: string, key: string, now: number): Promise<IdempotencyRecord | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand(getKeyRequest(this.table, caller, key))));
    return toIdempotencyRecord(result.Item, now);
  }

  async putSession(session: SessionRecord): Promise<void> {
    // In order: the caller's entry before the session (dynamodb-sessions.ts).
    for (const request of putSessionRequests(this.table, session)) await awsCall('PutItem', () => this.doc.send(new PutCommand(request)));
  }

  async getSession(idHash: string, now: number): Promise<SessionRecord | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand(getSessionRequest(this.table, idHash))));
    return toSessionRecord(result.Item, now);
  }

  async deleteSessions(caller: string, now: number): Promise<number> {
    const entries = (await this.queryAll(callerSessionsQuery(caller))).filter((e) => Number(e['validUntil']) > 0);
    const end = async (request: UpdateCommandInput) => {
      try {
        await this.doc.send(new UpdateCommand(request));
      } catch (err) {
        // An entry whose session item was never written (a sign-in that failed halfway): nothing to end.
        if (!(err instanceof ConditionalCheckFailedException)) throw translateAwsError(err, 'UpdateItem');
      }
    };
    await Promise.all(entries.flatMap((e) => endSessionRequests(this.table, caller, String(e['sk']))).map(end));
    return entries.filter((e) => Number(e['validUntil']) > now).length;
  }

  async putAudit(record: AuditRecord): Promise<void> {
    await awsCall('PutItem', () => this.doc.send(new PutCommand(putAuditRequest(this.table, record))));
  }

  async listAudit(filter: { limit: number }): Promise<AuditRecord[]> {
    const page = await awsCall('Query', () => this.doc.send(new QueryCommand(listAuditRequest(this.table, filter.limit))));
    return (page.Items ?? []).map(toAuditRecord);
  }

  async putDrill(drill: DrillRecord): Promise<void> {
    try {
      await this.doc.send(new PutCommand(putDrillRequest(this.table, drill)));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConflictError(`drill ${drill.id}: version ${drill.version} does not follow the stored version; read it again`);
      throw translateAwsError(err, 'PutItem');
    }
  }

  async getDrill(id: string): Promise<DrillRecord | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand(getDrillRequest(this.table, id))));
    return result.Item ? drillFromItem(result.Item) : undefined;
  }

  async listDrills(filter: { app?: string; limit: number }): Promise<DrillRecord[]> {
    const page = await awsCall('Query', () => this.doc.send(new QueryCommand(listDrillsQuery(this.table, filter))));
    return (page.Items ?? []).map(drillFromItem);
  }

  async getWriterEpoch(app: string): Promise<WriterEpoch | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand(getEpochRequest(this.table, app))));
    return result.Item ? fromItem<WriterEpoch>(result.Item) : undefined;
  }

  async advanceWriterEpoch(next: WriterEpoch): Promise<void> {
    try {
      await this.doc.send(new PutCommand(advanceEpochRequest(this.table, next)));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConflictError(`fencing epoch of ${next.app}: ${next.epoch} does not follow the stored epoch; read it again`);
      throw translateAwsError(err, 'PutItem');
    }
  }

  async getNetworkFence(app: string, region: string): Promise<NetworkFenceRecord | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand(getFenceRequest(this.table, app, region))));
    return result.Item ? fromItem<NetworkFenceRecord>(result.Item) : undefined;
  }

  async putNetworkFence(record: NetworkFenceRecord): Promise<void> {
    try {
      await this.doc.send(new PutCommand(putFenceRequest(this.table, record)));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`network fence of ${record.app} in ${record.region}: version ${record.version} does not follow the stored version; read it again`);
      }
      throw translateAwsError(err, 'PutItem');
    }
  }

  async listNetworkFences(app: string): Promise<NetworkFenceRecord[]> {
    return (await this.queryAll(listFencesQuery(app))).map((item) => fromItem<NetworkFenceRecord>(item));
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const result = await awsCall('GetItem', () => this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true })));
    return result.Item;
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await awsCall('PutItem', () => this.doc.send(new PutCommand({ TableName: this.table, Item: item })));
  }

  /** Every item of a key condition, following LastEvaluatedKey across pages. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await awsCall('Query', () => this.doc.send(new QueryCommand({ ...input, TableName: this.table, ...(start ? { ExclusiveStartKey: start } : {}) })));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async queryIndex(index: string, key: string, value: string, limit: number): Promise<Record<string, unknown>[]> {
    const page = await awsCall('Query', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':v': value },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return page.Items ?? [];
  }
}

function journalKey(seq: number): string {
  return `J#${String(seq).padStart(10, '0')}`;
}

function toLease(item: Record<string, unknown>): Lease {
  // `leaseUntil`, not `expiresAt`: that is the table's TTL attribute (seconds), and a lease must never be expired away by TTL.
  return { name: String(item['name']), owner: String(item['owner']), token: Number(item['token']), expiresAt: Number(item['leaseUntil']) };
}

/** Drop the table's own key attributes from an item. */
function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, expiresAt: _e, ...rest } = item;
  return rest;
}

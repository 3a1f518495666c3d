import type { GetCommandInput, PutCommandInput, QueryCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, IdempotencyRecord } from '../../ports/state-store.js';
import { timeKey } from './state-table.js';

/**
 * The items of the API's records in the state table (layout in
 * state-table.ts): idempotency keys and the audit trail. This file builds
 * the requests and reads the items; DynamoStateStore sends them, so that the
 * IAM actions stay with the one adapter that calls them.
 */

/** Audit records are kept a year, then DynamoDB's TTL removes them. */
const AUDIT_RETENTION_S = 366 * 24 * 3600;

/** All audit records share one partition, newest last: operators' calls are few, and one Query lists them in order. */
const AUDIT_PK = 'AUDIT';

function idempotencyKey(caller: string, key: string): { pk: string; sk: string } {
  return { pk: `IDEM#${caller}#${key}`, sk: 'IDEM' };
}

/** Seconds since the epoch for the TTL attribute: a day past the record's own validity, so a late reader never finds it half gone. */
function ttlAfter(validUntilMs: number): number {
  return Math.floor(validUntilMs / 1000) + 24 * 3600;
}

/** Claim a key: written only if absent or past its validity, so exactly one concurrent claimer wins. */
export function claimRequest(table: string, claim: Omit<IdempotencyRecord, 'state' | 'response'>, now: number): PutCommandInput {
  return {
    TableName: table,
    Item: { ...idempotencyKey(claim.caller, claim.key), ...claim, state: 'pending', expiresAt: ttlAfter(claim.validUntil) },
    ConditionExpression: 'attribute_not_exists(pk) OR validUntil <= :now',
    ExpressionAttributeValues: { ':now': now },
  };
}

/** Store the answer of a claimed key. */
export function completeRequest(table: string, caller: string, key: string, response: NonNullable<IdempotencyRecord['response']>, validUntil: number): UpdateCommandInput {
  return {
    TableName: table,
    Key: idempotencyKey(caller, key),
    ConditionExpression: 'attribute_exists(pk)',
    UpdateExpression: 'SET #state = :complete, #response = :response, validUntil = :until, expiresAt = :ttl',
    ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
    ExpressionAttributeValues: { ':complete': 'complete', ':response': response, ':until': validUntil, ':ttl': ttlAfter(validUntil) },
  };
}

/** Free a pending key by ending its validity (an update, like a lease release: the function needs no DeleteItem). */
export function releaseRequest(table: string, caller: string, key: string): UpdateCommandInput {
  return {
    TableName: table,
    Key: idempotencyKey(caller, key),
    ConditionExpression: '#state = :pending',
    UpdateExpression: 'SET validUntil = :zero',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':pending': 'pending', ':zero': 0 },
  };
}

/** Read a key's record, strongly consistent: it decides whether a request runs. */
export function getKeyRequest(table: string, caller: string, key: string): GetCommandInput {
  return { TableName: table, Key: idempotencyKey(caller, key), ConsistentRead: true };
}

/** An idempotency item as the port's record, or undefined when past its validity at `now`. */
export function toIdempotencyRecord(item: Record<string, unknown> | undefined, now: number): IdempotencyRecord | undefined {
  if (!item || Number(item['validUntil']) <= now) return undefined;
  const response = item['response'] as IdempotencyRecord['response'] | undefined;
  return {
    caller: String(item['caller']),
    key: String(item['key']),
    fingerprint: String(item['fingerprint']),
    state: item['state'] === 'complete' ? 'complete' : 'pending',
    createdAt: Number(item['createdAt']),
    validUntil: Number(item['validUntil']),
    ...(response ? { response: { statusCode: Number(response.statusCode), body: String(response.body), ...(response.contentType ? { contentType: String(response.contentType) } : {}) } } : {}),
  };
}

/** Write one audit record. */
export function putAuditRequest(table: string, record: AuditRecord): PutCommandInput {
  return { TableName: table, Item: { pk: AUDIT_PK, sk: `${timeKey(record.at)}#${record.id}`, expiresAt: Math.floor(record.at / 1000) + AUDIT_RETENTION_S, ...record } };
}

/** The newest `limit` audit records. */
export function listAuditRequest(table: string, limit: number): QueryCommandInput {
  return { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': AUDIT_PK }, ScanIndexForward: false, Limit: limit, ConsistentRead: true };
}

/** An audit item as the port's record. */
export function toAuditRecord(item: Record<string, unknown>): AuditRecord {
  const { pk: _pk, sk: _sk, expiresAt: _e, ...rest } = item;
  return rest as unknown as AuditRecord;
}

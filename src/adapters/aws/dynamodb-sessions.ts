import type { GetCommandInput, PutCommandInput, QueryCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord } from '../../ports/state-store.js';

/**
 * The items of the status page's sign-in sessions in the state table
 * (layout in state-table.ts). Each session is two items: the session itself,
 * found by the hash of its id (the cookie carries the id, nothing else), and
 * an entry in its caller's partition, so that sign-out can find every session
 * of the caller with one strongly consistent Query (a GSI would be eventually
 * consistent: a session signed in a moment earlier could survive a sign-out).
 * This file builds the requests; DynamoStateStore sends them.
 */

function sessionKey(idHash: string): { pk: string; sk: string } {
  return { pk: `SESSION#${idHash}`, sk: 'SESSION' };
}

function callerEntryKey(caller: string, idHash: string): { pk: string; sk: string } {
  return { pk: `SESSIONS#${caller}`, sk: idHash };
}

/** The TTL attribute (epoch seconds): DynamoDB removes a session once it has lapsed. getSession refuses it from `validUntil` on, whenever the TTL gets to it (typically within days). */
function ttlOf(validUntilMs: number): number {
  return Math.ceil(validUntilMs / 1000);
}

/** Write a session: its caller's entry first, so that no session ever exists that sign-out cannot find. */
export function putSessionRequests(table: string, session: SessionRecord): [PutCommandInput, PutCommandInput] {
  const expiresAt = ttlOf(session.validUntil);
  return [
    { TableName: table, Item: { ...callerEntryKey(session.caller, session.idHash), validUntil: session.validUntil, expiresAt } },
    { TableName: table, Item: { ...sessionKey(session.idHash), ...session, expiresAt } },
  ];
}

/** Read a session, strongly consistent: a sign-out must take effect on the very next request. */
export function getSessionRequest(table: string, idHash: string): GetCommandInput {
  return { TableName: table, Key: sessionKey(idHash), ConsistentRead: true };
}

/** A session item as the port's record, or undefined when ended or past its validity at `now`. */
export function toSessionRecord(item: Record<string, unknown> | undefined, now: number): SessionRecord | undefined {
  if (!item || Number(item['validUntil']) <= now) return undefined;
  return {
    idHash: String(item['idHash']),
    caller: String(item['caller']),
    tokenSha256: String(item['tokenSha256']),
    createdAt: Number(item['createdAt']),
    validUntil: Number(item['validUntil']),
  };
}

/** Every entry of a caller's sessions (the sort key is the id hash, `validUntil` says whether it still stands). */
export function callerSessionsQuery(caller: string): Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'> {
  return { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SESSIONS#${caller}` }, ConsistentRead: true };
}

/**
 * End one session: its item and its caller's entry get a validity of 0 (an
 * update, like an idempotency key's release: the function needs no
 * DeleteItem; the TTL removes both later). Only items that exist are
 * updated, so no half item is ever created.
 */
export function endSessionRequests(table: string, caller: string, idHash: string): [UpdateCommandInput, UpdateCommandInput] {
  const end = (Key: { pk: string; sk: string }): UpdateCommandInput => ({
    TableName: table,
    Key,
    ConditionExpression: 'attribute_exists(pk)',
    UpdateExpression: 'SET validUntil = :zero',
    ExpressionAttributeValues: { ':zero': 0 },
  });
  return [end(sessionKey(idHash)), end(callerEntryKey(caller, idHash))];
}

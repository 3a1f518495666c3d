import type { GetCommandInput, PutCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { NetworkFenceRecord, WriterEpoch } from '../../ports/state-store.js';

/**
 * The items of an application's fences in the state table (layout in
 * state-table.ts), all in the application's partition `FENCE#<app>`: the
 * fencing epoch (`EPOCH`), which applications read to know whether their
 * region may write, and one network fence per region (`NET#<region>`).
 * This file builds the requests and reads the items; DynamoStateStore
 * sends them. Both are written conditionally and never expire.
 */

/** The key of an application's fencing epoch: what applications GetItem from their region's replica. */
export function epochKey(app: string): { pk: string; sk: string } {
  return { pk: `FENCE#${app}`, sk: 'EPOCH' };
}

function fenceKey(app: string, region: string): { pk: string; sk: string } {
  return { pk: `FENCE#${app}`, sk: `NET#${region}` };
}

/** Read the epoch, strongly consistent: the next epoch is computed from it. */
export function getEpochRequest(table: string, app: string): GetCommandInput {
  return { TableName: table, Key: epochKey(app), ConsistentRead: true };
}

/**
 * Write the next epoch only over the one before it (the first only where
 * none is): two controllers can never both move it from the same epoch.
 * The caller turns a failed condition into a ConflictError.
 */
export function advanceEpochRequest(table: string, next: WriterEpoch): PutCommandInput {
  return {
    TableName: table,
    Item: { ...epochKey(next.app), ...next },
    ...(next.epoch <= 1
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#epoch = :previous', ExpressionAttributeNames: { '#epoch': 'epoch' }, ExpressionAttributeValues: { ':previous': next.epoch - 1 } }),
  };
}

/** Read one region's network fence, strongly consistent. */
export function getFenceRequest(table: string, app: string, region: string): GetCommandInput {
  return { TableName: table, Key: fenceKey(app, region), ConsistentRead: true };
}

/** Save a network fence only over the version it was read at (a new one only where none is). */
export function putFenceRequest(table: string, record: NetworkFenceRecord): PutCommandInput {
  return {
    TableName: table,
    Item: { ...fenceKey(record.app, record.region), ...record },
    ...(record.version <= 1
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :previous', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': record.version - 1 } }),
  };
}

/** Every network fence of an application (one per region at most), strongly consistent. */
export function listFencesQuery(app: string): Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'> {
  return { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :net)', ExpressionAttributeValues: { ':pk': `FENCE#${app}`, ':net': 'NET#' }, ConsistentRead: true };
}

/** A stored item without the table's key attributes. */
export function fromItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

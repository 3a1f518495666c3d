import type { GetCommandInput, PutCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DrillRecord } from '../../drills/drill.js';
import { timeKey } from './state-table.js';

/**
 * The items of game-day drills in the state table (layout in
 * state-table.ts): one item per drill, listed per app (byApp) and overall
 * (byKind), newest first. This file builds the requests and reads the
 * items; DynamoStateStore sends them. Drills are kept, like runs.
 */

function drillKey(id: string): { pk: string; sk: string } {
  return { pk: `DRILL#${id}`, sk: 'DRILL' };
}

/**
 * Save a drill only over the version it was read at: a new drill (version 1)
 * only where none is, a later one only over `version − 1`. The caller turns
 * a failed condition into a ConflictError.
 */
export function putDrillRequest(table: string, drill: DrillRecord): PutCommandInput {
  const order = `${timeKey(drill.createdAt)}#${drill.id}`;
  return {
    TableName: table,
    Item: { ...drillKey(drill.id), gsi1pk: `DRILLS#${drill.app}`, gsi1sk: order, gsi2pk: 'DRILL', gsi2sk: order, ...drill },
    ...(drill.version <= 1
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :previous', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': drill.version - 1 } }),
  };
}

/** Read one drill, strongly consistent: the next step is decided on it. */
export function getDrillRequest(table: string, id: string): GetCommandInput {
  return { TableName: table, Key: drillKey(id), ConsistentRead: true };
}

/** The newest drills of one app (byApp) or of every app (byKind). */
export function listDrillsQuery(table: string, filter: { app?: string; limit: number }): QueryCommandInput {
  const [index, key, value] = filter.app === undefined ? ['byKind', 'gsi2pk', 'DRILL'] : ['byApp', 'gsi1pk', `DRILLS#${filter.app}`];
  return {
    TableName: table,
    IndexName: index,
    KeyConditionExpression: '#k = :v',
    ExpressionAttributeNames: { '#k': key },
    ExpressionAttributeValues: { ':v': value },
    ScanIndexForward: false,
    Limit: filter.limit,
  };
}

/** A stored item back as a drill, without the table's key attributes. */
export function drillFromItem(item: Record<string, unknown>): DrillRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...drill } = item;
  return drill as unknown as DrillRecord;
}

import type { QueryCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerBucket, LedgerMinute } from '../../availability/types.js';
import { timeKey } from './state-table.js';

/** Ledger hours are kept a little over the longest availability window (30 days). */
const LEDGER_RETENTION_S = 32 * 24 * 3600;

/** `m07` / `d07`: measured and down ms of minute 7 of the hour. */
function minuteAttribute(kind: 'm' | 'd', minute: number): string {
  return `${kind}${String(minute).padStart(2, '0')}`;
}

/**
 * The UpdateItem that adds an increment to its hour item. Every number goes
 * through ADD, which DynamoDB applies atomically (creating the item or the
 * attribute at zero first), so the controllers of several regions and
 * overlapping invocations of one never overwrite each other's time.
 */
export function addAvailabilityRequest(table: string, increment: LedgerBucket): UpdateCommandInput {
  const names: Record<string, string> = { '#app': 'app', '#vantage': 'vantage', '#hour': 'hourStart', '#exp': 'expiresAt', '#up': 'upMs', '#down': 'downMs', '#un': 'unmeasuredMs' };
  const values: Record<string, unknown> = {
    ':app': increment.app,
    ':vantage': increment.vantage,
    ':hour': increment.hourStart,
    ':exp': Math.floor(increment.hourStart / 1000) + 3600 + LEDGER_RETENTION_S,
    ':up': increment.upMs,
    ':down': increment.downMs,
    ':un': increment.unmeasuredMs,
  };
  const adds = ['#up :up', '#down :down', '#un :un'];
  for (const m of increment.minutes) {
    for (const [kind, ms] of [['m', m.measuredMs] as const, ['d', m.downMs] as const]) {
      // Zero adds nothing: leaving the attribute out keeps the item (and its write cost) small.
      if (ms === 0) continue;
      const attr = minuteAttribute(kind, m.minute);
      names[`#${attr}`] = attr;
      values[`:${attr}`] = ms;
      adds.push(`#${attr} :${attr}`);
    }
  }
  return {
    TableName: table,
    Key: ledgerKey(increment.app, increment.hourStart, increment.vantage),
    UpdateExpression: `SET #app = :app, #vantage = :vantage, #hour = :hour, #exp = :exp ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The Query of an app's ledger hours from `fromHour` to `toHour` (inclusive), every vantage point. */
export function listAvailabilityQuery(filter: { app: string; fromHour: number; toHour: number }): Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'> {
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    // '$' sorts right after '#': the bound takes in every vantage point of the last hour.
    ExpressionAttributeValues: { ':pk': `AVAIL#${filter.app}`, ':from': timeKey(filter.fromHour), ':to': `${timeKey(filter.toHour)}$` },
  };
}

/** A stored hour item as a ledger bucket. */
export function ledgerBucketFromItem(item: Record<string, unknown>): LedgerBucket {
  const minutes: LedgerMinute[] = [];
  for (let minute = 0; minute < 60; minute++) {
    const measuredMs = Number(item[minuteAttribute('m', minute)] ?? 0);
    if (measuredMs > 0) minutes.push({ minute, measuredMs, downMs: Number(item[minuteAttribute('d', minute)] ?? 0) });
  }
  return {
    app: String(item['app']),
    vantage: String(item['vantage']),
    hourStart: Number(item['hourStart']),
    upMs: Number(item['upMs'] ?? 0),
    downMs: Number(item['downMs'] ?? 0),
    unmeasuredMs: Number(item['unmeasuredMs'] ?? 0),
    minutes,
  };
}

function ledgerKey(app: string, hourStart: number, vantage: string): { pk: string; sk: string } {
  return { pk: `AVAIL#${app}`, sk: `${timeKey(hourStart)}#${vantage}` };
}

import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { PermanentError, TransientError } from '../../errors/errors.js';
import type { LagSample } from '../../ports/database-provider.js';
import { awsCall } from './aws-errors.js';

/** One lag metric in the AWS/RDS namespace, for one resource. */
export interface LagMetric {
  metricName: string;
  dimension: { name: string; value: string };
  /** The unit AWS publishes it in: ReplicaLag is seconds, the AuroraGlobalDB… metrics milliseconds. */
  unit: 'seconds' | 'milliseconds';
}

/** How far back to look, the resolution, and when a sample is too old to trust. */
export interface LagWindow {
  now: number;
  windowMs: number;
  periodSeconds: number;
  maxAgeMs: number;
}

/** A server that keeps handing out NextTokens must not keep us here forever. */
const MAX_PAGES = 50;

/**
 * The latest replication lag among `metrics`, taken in order of preference:
 * the first metric with any datapoint in the window is used, the others are
 * fallbacks for engines that do not publish it. One GetMetricData call
 * (Stat Maximum, so a lag spike inside a period is not averaged away;
 * ScanBy TimestampDescending) asks for all of them, following NextToken
 * until the pages run out.
 *
 * Unknown is undefined, never zero: no datapoint, a negative value (RDS
 * reports ReplicaLag -1 when replication is not running) or a datapoint
 * older than `maxAgeMs` all return undefined.
 */
export async function latestLag(client: CloudWatchClient, operation: string, metrics: readonly LagMetric[], window: LagWindow): Promise<LagSample | undefined> {
  const queries: MetricDataQuery[] = metrics.map((m, i) => ({
    Id: `lag${i}`,
    MetricStat: {
      Metric: { Namespace: 'AWS/RDS', MetricName: m.metricName, Dimensions: [{ Name: m.dimension.name, Value: m.dimension.value }] },
      Period: window.periodSeconds,
      Stat: 'Maximum',
    },
    ReturnData: true,
  }));
  // CloudWatch answers faster for a window aligned on the period.
  const periodMs = window.periodSeconds * 1000;
  const start = new Date(Math.floor((window.now - window.windowMs) / periodMs) * periodMs);
  const end = new Date(Math.ceil(window.now / periodMs) * periodMs);

  const points = new Map<string, { at: number; value: number }[]>();
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new PermanentError(`${operation}: more than ${MAX_PAGES} pages of NextToken`);
    const token = nextToken;
    const out = await awsCall(operation, () =>
      client.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampDescending', ...(token ? { NextToken: token } : {}) }),
      ),
    );
    for (const result of out.MetricDataResults ?? []) collect(points, result, operation);
    nextToken = out.NextToken || undefined;
    if (nextToken === undefined) break;
    if (seen.has(nextToken)) throw new PermanentError(`${operation}: NextToken came back twice`);
    seen.add(nextToken);
  }

  for (const [i, metric] of metrics.entries()) {
    const latest = (points.get(`lag${i}`) ?? []).reduce<{ at: number; value: number } | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
    if (!latest) continue;
    if (latest.value < 0 || !Number.isFinite(latest.value)) return undefined;
    if (window.now - latest.at > window.maxAgeMs) return undefined;
    const scale = metric.unit === 'milliseconds' ? 1 / 1000 : 1;
    // The worst of the window's samples: a spike just before an outage is the data most likely lost.
    const worst = Math.max(...(points.get(`lag${i}`) ?? []).map((p) => p.value));
    return { seconds: latest.value * scale, at: latest.at, worstRecentSeconds: worst * scale };
  }
  return undefined;
}

/**
 * Gather one result's datapoints by query id (a query's points may be split
 * over pages). A result CloudWatch could not compute is an error, not an
 * empty series: Forbidden will not mend by itself, InternalError may.
 */
function collect(points: Map<string, { at: number; value: number }[]>, result: MetricDataResult, operation: string): void {
  const why = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ');
  if (result.StatusCode === 'Forbidden') throw new PermanentError(`${operation}: ${result.Id}: Forbidden${why ? `: ${why}` : ''}`);
  if (result.StatusCode === 'InternalError') throw new TransientError(`${operation}: ${result.Id}: InternalError${why ? `: ${why}` : ''}`);
  const id = result.Id ?? '';
  const list = points.get(id) ?? [];
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    const at = timestamps[i]!.getTime();
    if (Number.isFinite(at)) list.push({ at, value: values[i]! });
  }
  points.set(id, list);
}

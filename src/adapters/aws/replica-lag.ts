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

/** How far back to look, the resolution, and when the newest datapoint is too old to be the lag now. */
export interface LagWindow {
  now: number;
  windowMs: number;
  periodSeconds: number;
  /** A newest datapoint older than this leaves `LagSample.seconds` absent (its points still come back). */
  maxAgeMs: number;
}

/** A server that keeps handing out NextTokens must not keep us here forever. */
const MAX_PAGES = 50;

/**
 * The recent replication lag among `metrics`, taken in order of preference:
 * the first metric with any datapoint in the window is used, the others are
 * fallbacks for engines that do not publish it. One GetMetricData call
 * (Stat Maximum, so a lag spike inside a period is not averaged away;
 * ScanBy TimestampDescending) asks for all of them, following NextToken
 * until the pages run out.
 *
 * Every datapoint of the window comes back, oldest first, as CloudWatch
 * returned it (a datapoint's timestamp is the start of its period;
 * GetMetricData, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html),
 * negative values included: RDS publishes ReplicaLag -1 when replication
 * is not running ("Monitoring read replication",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html),
 * which is evidence in itself and must not be dropped or read as 0. Which
 * datapoints count is the reader's call: the RPO guard weighs those from
 * before the outage began, when samples taken after it (lag growing, or -1,
 * by design) say nothing about what was lost.
 *
 * `seconds` is the lag now: the newest datapoint, absent when it is
 * negative (replication not running) or older than `maxAgeMs`. No datapoint
 * at all is undefined, never zero.
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

  const points = new Map<string, Map<number, number>>();
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
    const found = points.get(`lag${i}`);
    if (!found || found.size === 0) continue;
    return lagSample(metric, found, window);
  }
  return undefined;
}

/** One metric's datapoints as a LagSample: oldest first, in seconds, the sign kept. */
function lagSample(metric: LagMetric, found: Map<number, number>, window: LagWindow): LagSample {
  const scale = metric.unit === 'milliseconds' ? 1 / 1000 : 1;
  const points = [...found.entries()].sort(([a], [b]) => a - b).map(([at, value]) => ({ at, seconds: value * scale }));
  const newest = points.at(-1)!;
  const lags = points.filter((p) => p.seconds >= 0).map((p) => p.seconds);
  const sample: LagSample = { at: newest.at, points, periodSeconds: window.periodSeconds, metric: metric.metricName };
  if (newest.seconds >= 0 && window.now - newest.at <= window.maxAgeMs) sample.seconds = newest.seconds;
  if (lags.length > 0) sample.worstRecentSeconds = Math.max(...lags);
  return sample;
}

/**
 * Gather one result's datapoints by query id and timestamp (a query's points
 * may be split over pages, and a page boundary may repeat one: the larger
 * value stands, as Maximum would have it). A result CloudWatch could not
 * compute is an error, not an empty series: Forbidden will not mend by
 * itself, InternalError may.
 */
function collect(points: Map<string, Map<number, number>>, result: MetricDataResult, operation: string): void {
  const why = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ');
  if (result.StatusCode === 'Forbidden') throw new PermanentError(`${operation}: ${result.Id}: Forbidden${why ? `: ${why}` : ''}`);
  if (result.StatusCode === 'InternalError') throw new TransientError(`${operation}: ${result.Id}: InternalError${why ? `: ${why}` : ''}`);
  const id = result.Id ?? '';
  const series = points.get(id) ?? new Map<number, number>();
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    const at = timestamps[i]!.getTime();
    const value = values[i]!;
    // A value JSON cannot carry (NaN, Infinity) is no datapoint.
    if (!Number.isFinite(at) || !Number.isFinite(value)) continue;
    series.set(at, Math.max(value, series.get(at) ?? -Infinity));
  }
  points.set(id, series);
}

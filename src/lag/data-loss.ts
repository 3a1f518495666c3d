import type { LagPoint, LagSample } from '../ports/database-provider.js';
import { type HeartbeatReading, timeOfDay } from './heartbeat.js';

/** The database engine behind a replica, where lag semantics differ (config: `database.engineFamily`). */
export type EngineFamily = 'mysql' | 'postgres';

/** What the RPO guard concluded from the replication evidence it could read. */
export interface DataLossEstimate {
  /** Seconds of writes that may be lost; undefined when unknown. */
  seconds?: number;
  /** One sentence for the operator: the estimate and the evidence it rests on. */
  summary: string;
  withinRpo: boolean;
  /** The newest evidence before the outage says replication was not running (RDS ReplicaLag -1). */
  replicationNotRunning?: boolean;
}

/** The outage the estimate is about, and the policy it is held against. */
export interface EstimateOptions {
  outageStartedAt: number;
  /**
   * The outage began at most this long before `outageStartedAt` (the time of
   * its first failed probe round): one probe interval. Datapoints from this
   * stretch may already show the outage and are not counted as before it.
   */
  detectionSlackMs: number;
  rpoSeconds: number;
  maxLagSampleAgeSeconds: number;
  engineFamily?: EngineFamily;
  /** What `outageStartedAt` is: an outage's start (the default), or the start of a run with no outage seen (a planned move). */
  startOf?: 'outage' | 'run';
}

/** How many datapoints a summary lists one by one before it summarises the rest. */
const LISTED_POINTS = 5;

/**
 * Estimate the data a promotion would lose from the replica's lag metric,
 * with the evidence from before the outage only: the datapoints whose period
 * ended by the time the outage began (less `detectionSlackMs`). Samples
 * taken after it are no evidence of what was lost before it: the lag grows
 * by design once the writer is gone (PostgreSQL counts the time since the
 * last replayed transaction), and MySQL reports -1 once the replica cannot
 * reach its source (RDS, "Monitoring read replication":
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html).
 *
 * From those: the newest must be no older than `maxLagSampleAgeSeconds`
 * before the outage; a newest of -1 means replication was not running, and
 * the replica may lack everything since (unknown, never 0); otherwise the
 * worst lag since the last -1 within that age is the estimate (a spike just
 * before the outage is the data most likely lost). Unknown is never within
 * the RPO.
 */
export function estimateFromLagSamples(lag: LagSample | undefined, options: EstimateOptions): DataLossEstimate {
  const rpo = `RPO ${options.rpoSeconds} s`;
  const event = options.startOf ?? 'outage';
  const began = `the ${event} began at ${isoSeconds(options.outageStartedAt)}`;
  if (!lag || lag.points.length === 0) {
    return { summary: `replication lag unknown (no recent lag datapoint at all): data loss cannot be estimated; ${rpo}`, withinRpo: false };
  }
  const periodMs = lag.periodSeconds * 1000;
  const cutoff = options.outageStartedAt - options.detectionSlackMs;
  const before = lag.points.filter((p) => p.at + periodMs <= cutoff);
  const after = lag.points.length - before.length;
  const afterNote = after > 0 ? `; ${after} datapoint${after === 1 ? '' : 's'} from then on not counted` : '';
  const newest = before.at(-1);
  if (!newest) {
    return { summary: `replication lag unknown: no ${lag.metric} datapoint from before ${began}${afterNote}: data loss cannot be estimated; ${rpo}`, withinRpo: false };
  }
  const ageSeconds = Math.round((options.outageStartedAt - (newest.at + periodMs)) / 1000);
  if (ageSeconds > options.maxLagSampleAgeSeconds) {
    return {
      summary: `replication lag unknown: the newest ${lag.metric} datapoint before the ${event} (${value(newest)} at ${timeOfDay(newest.at)}) is ${ageSeconds} s older than its start, more than maxLagSampleAgeSeconds ${options.maxLagSampleAgeSeconds} s (${began}): data loss cannot be estimated; ${rpo}`,
      withinRpo: false,
    };
  }
  if (newest.seconds < 0) {
    const stoppedRun = trailingNotRunning(before);
    return {
      summary:
        `replication not running before the ${event}: ${lag.metric} -1 (replication not active; MySQL's Seconds_Behind_Master NULL) in ${stoppedRun.length} datapoint${stoppedRun.length === 1 ? '' : 's'} ` +
        `from ${timeOfDay(stoppedRun[0]!.at)} to ${timeOfDay(newest.at)}, ${began}: the replica may lack every write since replication stopped; data loss cannot be estimated${afterNote}; ${rpo}`,
      withinRpo: false,
      replicationNotRunning: true,
    };
  }
  const oldestCounted = options.outageStartedAt - options.maxLagSampleAgeSeconds * 1000;
  const lastStop = before.findLastIndex((p) => p.seconds < 0);
  const used = before.slice(lastStop + 1).filter((p) => p.at + periodMs >= oldestCounted);
  const seconds = Math.max(...used.map((p) => p.seconds));
  const withinRpo = seconds <= options.rpoSeconds;
  const caveat =
    options.engineFamily === 'postgres' && lag.metric === 'ReplicaLag'
      ? "; PostgreSQL's ReplicaLag is the time since the last replayed transaction, so an idle primary shows lag that is no data loss: a heartbeat lag source measures the data itself"
      : '';
  const basis = `${lag.metric} before ${began}: ${describePoints(used)}${afterNote}${caveat}`;
  return { seconds, summary: `estimated data loss up to ${seconds} s of writes (${basis}); ${rpo}${withinRpo ? '' : ': above the RPO'}`, withinRpo };
}

/**
 * Estimate the data a promotion would lose from the replica's replayed
 * heartbeat: every write committed before that heartbeat is on the replica,
 * and the writer took writes until the outage began at the latest, so the
 * loss is at most the time between the two (an overestimate by up to one
 * probe interval, the time it took to see the outage). A heartbeat that
 * stopped long before the outage reads as a large loss, as it should: the
 * replica, or the heartbeat job, stopped, and a person must look.
 */
export function estimateFromHeartbeat(replica: HeartbeatReading, options: Pick<EstimateOptions, 'outageStartedAt' | 'rpoSeconds' | 'startOf'>): DataLossEstimate {
  const rpo = `RPO ${options.rpoSeconds} s`;
  // Tenths of a second, rounded up: the estimate must not come out below the evidence.
  const seconds = Math.max(0, Math.ceil((options.outageStartedAt - replica.heartbeatAt) / 100) / 10);
  const withinRpo = seconds <= options.rpoSeconds;
  const basis =
    `heartbeat: the replica had replayed the writer's heartbeat of ${timeOfDay(replica.heartbeatAt)} when read at ${timeOfDay(replica.readAt)} from ${replica.url}; ` +
    `the ${options.startOf ?? 'outage'} began at ${isoSeconds(options.outageStartedAt)}`;
  return { seconds, summary: `estimated data loss up to ${seconds} s of writes (${basis}); ${rpo}${withinRpo ? '' : ': above the RPO'}`, withinRpo };
}

/**
 * Read the estimate back from a summary this module wrote (the RPO guard's
 * recorded outcome is that sentence): the seconds, or undefined when the lag
 * was unknown. Kept next to the wording it parses.
 */
export function dataLossFromSummary(summary: string): { seconds?: number; withinRpo: boolean } {
  const match = /estimated data loss up to (\d+(?:\.\d+)?) s of writes/.exec(summary);
  if (!match) return { withinRpo: false };
  return { seconds: Number(match[1]), withinRpo: !summary.includes(': above the RPO') };
}

/** The datapoints an estimate used, newest first: every one when few, else the newest few and the range. */
export function describePoints(points: readonly LagPoint[]): string {
  const newestFirst = [...points].reverse();
  const listed = newestFirst.slice(0, LISTED_POINTS).map((p) => `${value(p)} at ${timeOfDay(p.at)}`);
  if (points.length <= LISTED_POINTS) return listed.join(', ');
  const worst = Math.max(...points.map((p) => p.seconds));
  return `${listed.join(', ')} and ${points.length - LISTED_POINTS} more back to ${timeOfDay(points[0]!.at)} (worst of all ${points.length}: ${worst} s)`;
}

/** The run of not-running datapoints the series ends with. */
function trailingNotRunning(points: readonly LagPoint[]): LagPoint[] {
  const lastLag = points.findLastIndex((p) => p.seconds >= 0);
  return points.slice(lastLag + 1);
}

function value(p: LagPoint): string {
  return p.seconds < 0 ? '-1 (not running)' : `${p.seconds} s`;
}

/** ISO 8601 without the milliseconds when there are none. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

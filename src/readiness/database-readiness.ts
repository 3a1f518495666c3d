import type { DatabaseState, LagSample } from '../ports/database-provider.js';
import type { ReadinessCheck } from './world-report.js';

/** What the database checks of one failover target look at. */
export interface DatabaseReadinessInput {
  /** The target region. */
  region: string;
  /** How the config names its database (for sentences and commands). */
  label: string;
  /** Its database as read now, or the error reading it. */
  state: DatabaseState | Error;
  /** Its replication lag, when it is a replica and the lag could be read (an Error when reading it failed). */
  lag?: LagSample | Error;
  /** The region whose database is the writer now (the fencing epoch's, or the active region). */
  writerRegion: string;
  rpoSeconds: number;
}

/**
 * Could the database of `region` be promoted now without losing more than
 * the RPO: it exists, it is a replica of the current writer, replication
 * runs, and its lag is within the RPO. Pure.
 */
export function databaseChecks(input: DatabaseReadinessInput): ReadinessCheck[] {
  const { region, label, state, writerRegion } = input;
  if (state instanceof Error) {
    return [{ id: 'database-exists', region, status: 'warning', sentence: `${label} could not be read: ${state.message}`, fix: 'check that the controller may call DescribeDBInstances/DescribeDBClusters there, and that RDS answers in that region' }];
  }
  if (!state.exists) {
    return [{ id: 'database-exists', region, status: 'failing', sentence: `${label} does not exist: there is nothing to promote in ${region}`, fix: `create it again as a read replica of the writer in ${writerRegion} (a failback rebuilds it; or create the replica by hand with the same identifier)` }];
  }
  const checks: ReadinessCheck[] = [{ id: 'database-exists', region, status: 'ok', sentence: `${label} exists (${state.status})` }];
  checks.push(replicaCheck(input, state));
  if (state.role === 'replica' && state.replicaOf === writerRegion) checks.push(lagCheck(input));
  return checks;
}

function replicaCheck(input: DatabaseReadinessInput, state: DatabaseState): ReadinessCheck {
  const { region, label, writerRegion } = input;
  const id = 'database-replica';
  if (state.role === 'writer') {
    const sentence = `${label} is a writer, not a replica of ${writerRegion}: promoting it would serve data that stopped at its own promotion`;
    return { id, region, status: 'failing', sentence, fix: `rebuild it as a replica of ${writerRegion}: fail back, or retire it and create the replica again` };
  }
  if (state.replicaOf !== writerRegion) {
    const sentence = `${label} replicates from ${state.replicaOf ?? 'an unknown source'}, not from the writer in ${writerRegion}`;
    return { id, region, status: 'failing', sentence, fix: `make it a replica of ${writerRegion} before relying on a failover into ${region}` };
  }
  if (state.status !== 'available') {
    // A replica that is backing up or being modified serves, but RDS refuses to promote it until it is available again.
    const sentence = `${label} is a replica of ${writerRegion} but ${state.status}: RDS promotes a replica only while it is available`;
    return { id, region, status: 'warning', sentence, fix: 'wait for it to become available; if it stays busy, look at its events in the RDS console' };
  }
  return { id, region, status: 'ok', sentence: `${label} is an available replica of the writer in ${writerRegion}` };
}

function lagCheck(input: DatabaseReadinessInput): ReadinessCheck {
  const { region, label, lag, rpoSeconds } = input;
  const id = 'database-lag';
  if (lag instanceof Error) return { id, region, status: 'warning', sentence: `the replication lag of ${label} could not be read: ${lag.message}`, fix: 'check that the controller may call cloudwatch:GetMetricData' };
  // Negative datapoints are RDS's "replication is not running" (ReplicaLag -1), never a lag of 0.
  const stopped = lag?.points.length ? lag.points[lag.points.length - 1]!.seconds < 0 : false;
  if (stopped) return { id, region, status: 'failing', sentence: `replication into ${label} is not running (${lag!.metric} reports -1)`, fix: 'look at the replica\'s events: replication stopped on an error and must be restarted or the replica rebuilt' };
  if (lag?.seconds === undefined) {
    return { id, region, status: 'warning', sentence: `no recent ${lag?.metric ?? 'replication lag'} datapoint for ${label}: its lag is unknown`, fix: 'check the metric in CloudWatch; without it the RPO guard cannot promote within the RPO' };
  }
  if (lag.seconds > rpoSeconds) {
    return { id, region, status: 'failing', sentence: `${label} lags ${lag.seconds} s behind its writer, above the RPO of ${rpoSeconds} s: a failover now would lose more than the RPO allows`, fix: 'find why replication is slow (write load, replica class, network); the RPO guard will refuse or ask for approval' };
  }
  return { id, region, status: 'ok', sentence: `${label} lags ${lag.seconds} s, within the RPO of ${rpoSeconds} s` };
}

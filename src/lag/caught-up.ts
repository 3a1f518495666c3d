import type { LagSample } from '../ports/database-provider.js';
import { type HeartbeatReading, timeOfDay } from './heartbeat.js';

/** Whether a replica has caught up, and what the evidence says, for the step's `current`. */
export interface CaughtUp {
  done: boolean;
  current: string;
}

/**
 * How far the writer's clock, which stamps the heartbeats, may be ahead of
 * the controller's (both synced by NTP or the Amazon Time Sync Service,
 * which keep them within milliseconds): a heartbeat stamped this long after
 * the freeze held was written after it.
 */
export const HEARTBEAT_CLOCK_SKEW_MS = 1_000;

/**
 * After writes are frozen: has the replica replayed everything the writer
 * had when the freeze began? Every write committed before a heartbeat
 * replays before it, so the replica has once its replayed heartbeat reaches
 * either of two targets:
 *
 * - the writer's newest heartbeat, read after the replica's: read after the
 *   freeze, it is at least the writer's last one before the freeze (the
 *   target when the freeze stops the heartbeat too);
 * - a heartbeat stamped `HEARTBEAT_CLOCK_SKEW_MS` after `frozenSince` (the
 *   time from which the freeze is known to hold): written after the freeze,
 *   so after every frozen write (the target that keeps moving no further
 *   while the heartbeat goes on beating, so a replica with a steady apply
 *   lag still gets there).
 *
 * This holds on an idle PostgreSQL, where ReplicaLag keeps growing while
 * nothing is written. The caller's order is the contract: read the replica
 * first, then the writer, both after the step that freezes writes has
 * finished (in runbooks/failback.ts the wait step comes after it). Should
 * the freeze stop the heartbeat, writes of the last heartbeat interval
 * before it are covered only by a heartbeat after them: keep the heartbeat
 * writing through the freeze (it writes nothing but its own row).
 */
export function caughtUpAfterFreeze(replica: HeartbeatReading, writer: HeartbeatReading, frozenSince: number): CaughtUp {
  const target = Math.min(writer.heartbeatAt, frozenSince + HEARTBEAT_CLOCK_SKEW_MS);
  const behindMs = target - replica.heartbeatAt;
  const positions = `replica replayed the heartbeat of ${timeOfDay(replica.heartbeatAt)}, the writer's newest is ${timeOfDay(writer.heartbeatAt)}, writes frozen since ${timeOfDay(frozenSince)}`;
  if (behindMs <= 0) return { done: true, current: `caught up: ${positions}` };
  return { done: false, current: `${(behindMs / 1000).toFixed(1)} s of heartbeats behind: ${positions}` };
}

/**
 * The same question with only the CloudWatch lag metric: caught up when the
 * newest datapoint taken at or after `since` (the freeze) is a lag (not -1,
 * which is "replication not running", never 0) of at most `maxLagSeconds`.
 * A datapoint from before the freeze says nothing about the writes made
 * just before it, so this waits for one period after the freeze.
 *
 * The limit: PostgreSQL's ReplicaLag is the time since the last replayed
 * transaction, so once writes are frozen it grows on a replica that is
 * fully caught up, and this never holds (the step times out). Use the
 * heartbeat source for PostgreSQL.
 */
export function caughtUpFromSamples(lag: LagSample | undefined, options: { since: number; maxLagSeconds: number }): CaughtUp {
  if (!lag || lag.points.length === 0) return { done: false, current: 'lag unknown: no lag datapoint' };
  const newest = lag.points.at(-1)!;
  const metric = lag.metric;
  if (newest.at < options.since) {
    return { done: false, current: `waiting for a ${metric} datapoint from ${timeOfDay(options.since)} on (the newest is ${describe(newest.seconds)} at ${timeOfDay(newest.at)})` };
  }
  if (newest.seconds < 0) return { done: false, current: `replication not running: ${metric} -1 at ${timeOfDay(newest.at)}` };
  const current = `${metric} ${newest.seconds} s at ${timeOfDay(newest.at)}`;
  return { done: newest.seconds <= options.maxLagSeconds, current: newest.seconds <= options.maxLagSeconds ? `caught up: ${current}` : `lag ${current}` };
}

function describe(seconds: number): string {
  return seconds < 0 ? '-1 (not running)' : `${seconds} s`;
}

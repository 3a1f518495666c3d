import type { EngineFamily } from '../../lag/data-loss.js';
import type { LagPoint, LagSample } from '../../ports/database-provider.js';

/** The simulated lag metric's period: one second, so that simulated runs are not held up by minute-long periods (AWS: 60 s). */
export const SIM_LAG_PERIOD_SECONDS = 1;
/** How far back the simulated metric answers, as the AWS adapter asks CloudWatch. */
const SIM_LAG_WINDOW_MS = 10 * 60_000;
/** An idle RDS for PostgreSQL primary shows up to about five minutes of ReplicaLag: modelled as a write of its own every five minutes. */
const POSTGRES_IDLE_WRITE_MS = 300_000;
/** The application's heartbeat job writes its row every second. */
const HEARTBEAT_MS = 1_000;

/** When replication could not carry anything newer: the writer's region down, or replication stopped. */
export interface ReplicationBreak {
  /** The writer's region went down at this time (ms), if it did. */
  sourceDownSince?: number;
}

/**
 * How replication lag behaves in the simulated world, engine by engine, as
 * RDS publishes it ("Monitoring read replication",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html):
 *
 * - MySQL (and an unknown family): ReplicaLag is Seconds_Behind_Master, the
 *   replica's apply lag; -1 for every period that starts after replication
 *   stopped or the writer became unreachable (Seconds_Behind_Master NULL).
 * - PostgreSQL: ReplicaLag is the time since the last replayed transaction
 *   (`now() - pg_last_xact_replay_timestamp()`): the apply lag while the
 *   writer is busy; on an idle writer it climbs up to about 300 s and falls
 *   back; once replication stops or the writer is gone it keeps growing.
 *
 * The heartbeat row the simulated application serves on its replication
 * endpoint advances every second on the writer and replays on replicas
 * with the apply lag, up to where replication broke. Idleness is about
 * ReplicaLag only: the heartbeat is served regardless (its own writes would
 * keep a real PostgreSQL's ReplicaLag low; here the two sources stay
 * independent so each can be exercised alone).
 *
 * One setting for every replica, like the world's other switches; the
 * engine family is per database, from the config.
 */
export class SimReplication {
  /** Apply lag settings over time, oldest first; the first holds since forever. */
  private lagHistory: { since: number; seconds: number }[] = [{ since: -Infinity, seconds: 0 }];
  private idleSince: number | undefined;
  private stoppedSince: number | undefined;
  private readonly families = new Map<string, EngineFamily>();

  /**
   * Every replica's apply lag, in seconds. Without `since`, as if it had
   * always been so (the datapoints before now show it too: a drill of a
   * lagging standby); with `since`, from that time on.
   */
  setLag(seconds: number, since?: number): void {
    if (since === undefined) this.lagHistory = [{ since: -Infinity, seconds }];
    else this.lagHistory = [...this.lagHistory.filter((h) => h.since <= since), { since, seconds }];
  }

  /** The writer takes no transactions from `since` on (PostgreSQL's ReplicaLag then climbs), or busy again. */
  setWriterIdle(idle: boolean, since: number): void {
    this.idleSince = idle ? since : undefined;
  }

  /** Replication stops at `since` (MySQL: mysql.rds_stop_replication, or a replication error), or runs again (undefined). */
  setReplicationStopped(since: number | undefined): void {
    this.stoppedSince = since;
  }

  /** A database's engine family (the simulated world takes it from the config). */
  setEngineFamily(databaseId: string, family: EngineFamily): void {
    this.families.set(databaseId, family);
  }

  /** The lag datapoints a replica would have published over the window up to `now`. */
  sample(replicaId: string, now: number, broken: ReplicationBreak): LagSample {
    const periodMs = SIM_LAG_PERIOD_SECONDS * 1000;
    const first = Math.floor((now - SIM_LAG_WINDOW_MS) / periodMs) * periodMs;
    const family = this.families.get(replicaId);
    const points: LagPoint[] = [];
    for (let t = first; t <= now; t += periodMs) points.push({ at: t, seconds: this.valueOver(t, Math.min(t + periodMs - 1, now), family, broken) });
    const newest = points.at(-1)!;
    const lags = points.filter((p) => p.seconds >= 0).map((p) => p.seconds);
    const sample: LagSample = { at: newest.at, points, periodSeconds: SIM_LAG_PERIOD_SECONDS, metric: 'ReplicaLag' };
    if (newest.seconds >= 0) sample.seconds = newest.seconds;
    if (lags.length > 0) sample.worstRecentSeconds = Math.max(...lags);
    return sample;
  }

  /** The newest heartbeat a writer has written by `now` (its region down since `downSince`: none after). */
  writerHeartbeat(now: number, downSince: number | undefined): number {
    return floorTo(Math.min(now, downSince ?? Infinity), HEARTBEAT_MS);
  }

  /** The newest heartbeat a replica has replayed by `now`: the writer's, as of the apply lag ago, up to where replication broke. */
  replayedHeartbeat(now: number, broken: ReplicationBreak): number {
    const upTo = Math.min(now, this.breakAt(broken) ?? Infinity);
    return floorTo(upTo - this.lagAt(upTo) * 1000, HEARTBEAT_MS);
  }

  /** One period's Maximum, from `start` to `end` (inclusive). */
  private valueOver(start: number, end: number, family: EngineFamily | undefined, broken: ReplicationBreak): number {
    const lag = this.worstLagOver(start, end);
    const breakAt = this.breakAt(broken);
    if (family === 'postgres') {
      const replayedUpTo = Math.min(end, breakAt ?? Infinity) - lag * 1000;
      return round3((end - this.lastTransaction(replayedUpTo)) / 1000);
    }
    // A period that began after replication broke reads -1; one it broke in still holds the lags before (Maximum).
    return breakAt !== undefined && breakAt <= start ? -1 : lag;
  }

  /** The last transaction the writer committed at or before `at`. */
  private lastTransaction(at: number): number {
    const idle = this.idleSince;
    if (idle === undefined || at < idle) return at;
    return idle + floorTo(at - idle, POSTGRES_IDLE_WRITE_MS);
  }

  private breakAt(broken: ReplicationBreak): number | undefined {
    const times = [this.stoppedSince, broken.sourceDownSince].filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private lagAt(at: number): number {
    return this.lagHistory.findLast((h) => h.since <= at)?.seconds ?? 0;
  }

  /** The largest apply lag setting in force at any time in [start, end]. */
  private worstLagOver(start: number, end: number): number {
    let worst = this.lagAt(start);
    for (const h of this.lagHistory) if (h.since > start && h.since <= end) worst = Math.max(worst, h.seconds);
    return worst;
  }
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

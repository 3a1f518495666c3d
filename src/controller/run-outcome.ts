import type { AppState } from '../ports/state-store.js';
import type { RunRecord } from '../runbook/run.js';

/** What a process learns from a run that ended elsewhere: where traffic is now, and when the cooldown started. */
export interface RunOutcome {
  activeRegion: string;
  lastFailoverAt?: number;
}

/**
 * Take up a run that ended in another process (the Lambda worker, another
 * region's stack). The state item the worker writes after the run record is
 * only trusted when it was written at or after the run's end: a global
 * table may deliver the run record first, and a state item older than the
 * run still names the region the run left, which would decide the same
 * failover again. Otherwise DNS, where traffic really goes, says it.
 * Undefined when neither can tell yet (DNS unreadable): the caller holds.
 */
export async function takeUpOutcome(run: RunRecord, reads: { state: () => Promise<AppState | undefined>; dns: () => Promise<string | undefined> }): Promise<RunOutcome | undefined> {
  const saved = await reads.state();
  const fresh = saved !== undefined && run.finishedAt !== undefined && saved.updatedAt >= run.finishedAt;
  const activeRegion = fresh ? saved.activeRegion : await reads.dns().catch(() => undefined);
  if (activeRegion === undefined) return undefined;
  // A game day's failover moved traffic on purpose: it starts no cooldown (see lastFailoverFromRuns).
  const moved = run.kind === 'failover' && run.drillId === undefined && activeRegion === run.to ? run.createdAt : undefined;
  const lastFailoverAt = latest(fresh ? saved.lastFailoverAt : undefined, moved);
  return { activeRegion, ...(lastFailoverAt !== undefined ? { lastFailoverAt } : {}) };
}

/**
 * When the newest failover that moved traffic began, from the runs
 * themselves. The cooldown then holds whatever the state item says: one
 * outage never starts a second failover because a stale copy of the state
 * forgot the first.
 *
 * A game day's runs (RunRecord.drillId) are left out: the cooldown guards
 * against flapping between regions on real outages, and a rehearsal that
 * ended with a failback must not hold the failover of a real outage that
 * comes right after it.
 */
export function lastFailoverFromRuns(runs: RunRecord[]): number | undefined {
  return runs.find((r) => r.kind === 'failover' && r.status === 'succeeded' && r.drillId === undefined)?.createdAt;
}

/**
 * Start times of the automatic failovers among `runs`, for the daily cap.
 * A game day's runs do not count: the cap keeps a flapping application from
 * being moved back and forth all day, and a drill's failover on its injected
 * outage is no such move.
 */
export function automaticFailoverTimes(runs: RunRecord[]): number[] {
  return runs.filter((r) => r.kind === 'failover' && r.trigger === 'automatic' && r.drillId === undefined).map((r) => r.createdAt);
}

/** The later of two optional times. */
export function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

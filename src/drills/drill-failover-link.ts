import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord } from './drill.js';
import { type DrillBook, note } from './drill-book.js';

/**
 * The failover run the drill's outage led to: the oldest failover away from
 * the drill's region created since the drill started (the controller's
 * automatic one, or one an operator or the drill started), whatever its status.
 */
export async function drillFailoverRun(book: DrillBook, drill: DrillRecord): Promise<RunRecord | undefined> {
  const runs = await book.deps.store.listRuns({ app: drill.app, limit: 10 });
  return runs.filter((r) => r.kind === 'failover' && r.from === drill.from && r.createdAt >= drill.milestones.startedAt).sort((a, b) => a.createdAt - b.createdAt)[0];
}

/**
 * Make `run` the drill's failover run: who decided it, when it started and,
 * when no recorded decision said so, the detection it implies. Leaves the
 * stage alone (the caller moves it on, or ends the drill). Pure.
 */
export function linkFailoverRun(drill: DrillRecord, run: RunRecord): void {
  const m = drill.milestones;
  if (m.detectedAt === undefined) {
    // The decision was not found (another vantage point judged, or the history moved on): the run's start is the latest the detection can have been.
    m.detectedAt = run.createdAt;
    note(drill, run.createdAt, `${drill.from} judged unhealthy (taken from the failover run's start: no recorded decision found)`);
  }
  drill.decision ??= { by: run.trigger === 'automatic' ? 'controller' : 'operator', reason: run.reason };
  drill.failoverRunId = run.id;
  m.failoverStartedAt = run.createdAt;
  note(drill, run.createdAt, `failover run ${run.id} to ${run.to} started (${run.trigger}): ${run.reason}`);
}

import type { AppPolicy } from '../config/types.js';
import { RunInProgressError } from '../errors/errors.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord } from './drill.js';
import { type DrillBook, note, said } from './drill-book.js';
import { endDrill } from './drill-end.js';

/**
 * Stage `awaiting-primary`, after the heal: fail back once the controller
 * sees the primary healthy again. True when the drill changed.
 */
export async function awaitingPrimary(book: DrillBook, drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
  const { controls } = book.deps;
  const m = drill.milestones;
  let changed = false;
  if (drill.trigger === 'injected-outage' && m.healedAt === undefined) {
    // An earlier heal failed: nothing else may happen before it succeeds (saved only when the failure says something new).
    const before = said(drill);
    if (!(await book.heal(drill, now))) return book.keep(drill, said(drill) !== before);
    changed = true;
  }
  const since = m.healedAt ?? m.failoverEndedAt ?? now;
  const adopted = await failbackRun(book, drill);
  if (adopted) return toFailingBack(book, drill, adopted, `failback run ${adopted.id} started (${adopted.trigger}): ${adopted.reason}`);
  const health = controls.view(drill.app).health[drill.from];
  if (health?.state === 'healthy' && (health.lastObservationAt ?? 0) >= since) {
    if (m.primaryHealthyAt === undefined) {
      m.primaryHealthyAt = Math.max(health.since, since);
      note(drill, m.primaryHealthyAt, `${drill.from} judged healthy again (${policy.riseThreshold} good rounds)`);
      changed = true;
    }
    // On AWS the stack in the primary's region starts the failback.
    if (!controls.startsRunsInto(drill.from)) return book.keep(drill, changed);
    const skipped = `the failback hold-down of ${policy.failbackHoldDownSeconds} s is not waited for: the drill healed ${drill.from} itself`;
    if (!(await book.unchanged(drill))) return book.keep(drill, changed);
    try {
      const run = await controls.failback({ app: drill.app, reason: `game day ${drill.id}: failback to ${drill.from} (${skipped})`, by: drill.startedBy, drillId: drill.id });
      return toFailingBack(book, drill, run, `failback run ${run.id} started by the drill; ${skipped}`);
    } catch (err) {
      if (!(err instanceof RunInProgressError)) throw err;
      // Someone else's run holds the app (an automatic failback is adopted next tick).
      return book.keep(drill, changed);
    }
  }
  const deadline = primaryDeadlineMs(policy);
  if (now - since > deadline) {
    drill.error = `${drill.from} was not judged healthy within ${Math.round(deadline / 1000)} s of the heal; the application stays in ${drill.to}: fail back by hand (POST /failback) once it is`;
    await endDrill(book, drill, 'failed', now);
    return true;
  }
  return book.keep(drill, changed);
}

/** Stage `failing-back`: end the drill once its failback run has ended. True when the drill changed. */
export async function failingBack(book: DrillBook, drill: DrillRecord, now: number): Promise<boolean> {
  const run = drill.failbackRunId ? await book.deps.store.getRun(drill.failbackRunId) : undefined;
  if (run?.status === 'running') return false;
  drill.milestones.failbackEndedAt = run?.finishedAt ?? now;
  if (run?.status === 'succeeded') {
    note(drill, drill.milestones.failbackEndedAt, `failback run ${run.id} succeeded: ${drill.app} is back in ${drill.from}`);
    await endDrill(book, drill, 'succeeded', now);
  } else {
    drill.error = run ? `the failback run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}; see GET /runs/${run.id}` : `the failback run ${drill.failbackRunId ?? '(none)'} is not in the store`;
    note(drill, drill.milestones.failbackEndedAt, drill.error);
    await endDrill(book, drill, 'failed', now);
  }
  return true;
}

async function toFailingBack(book: DrillBook, drill: DrillRecord, run: RunRecord, text: string): Promise<boolean> {
  drill.failbackRunId = run.id;
  drill.milestones.failbackStartedAt = run.createdAt;
  drill.stage = 'failing-back';
  note(drill, run.createdAt, text);
  await book.save(drill);
  return true;
}

/** A failback run into the primary created after the failover ended (an automatic one, or one another stack started for the drill). */
async function failbackRun(book: DrillBook, drill: DrillRecord): Promise<RunRecord | undefined> {
  const after = drill.milestones.failoverEndedAt ?? drill.milestones.startedAt;
  const runs = await book.deps.store.listRuns({ app: drill.app, limit: 5 });
  return runs.filter((r) => r.kind === 'failback' && r.to === drill.from && r.createdAt >= after).sort((a, b) => a.createdAt - b.createdAt)[0];
}

/** How long the healed primary may take to be judged healthy: ten minutes, or two rise windows if longer. */
function primaryDeadlineMs(policy: AppPolicy): number {
  return Math.max(10 * 60_000, 2 * (policy.riseThreshold + 1) * policy.probeIntervalSeconds * 1000);
}

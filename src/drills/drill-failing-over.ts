import type { DrillRecord } from './drill.js';
import { type DrillBook, note, said } from './drill-book.js';
import { endDrill } from './drill-end.js';

/**
 * Stage `failing-over`: once the failover run has ended, end the drill (the
 * run failed), run the drill's named runbooks (if it has any), or heal the
 * injected fault and end the drill (no failback asked for) or go on to wait
 * for the primary. A drill is ended only once healed: while
 * the heal fails it stays here and the next tick tries again. True when the
 * drill changed.
 */
export async function failingOver(book: DrillBook, drill: DrillRecord, now: number): Promise<boolean> {
  const run = drill.failoverRunId ? await book.deps.store.getRun(drill.failoverRunId) : undefined;
  if (!run) return book.endFailedOnceHealed(drill, `the failover run ${drill.failoverRunId ?? '(none)'} is not in the store`, now);
  if (run.status === 'running') return false;
  const m = drill.milestones;
  let changed = false;
  if (m.failoverEndedAt === undefined) {
    changed = true;
    m.failoverEndedAt = run.finishedAt ?? now;
    note(drill, m.failoverEndedAt, `failover run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
  }
  if (run.status !== 'succeeded') {
    // Saved with its failoverEndedAt even while the heal fails: the report times the run from it.
    const error = `the failover run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}; the application is where the run left it (see GET /runs/${run.id})`;
    return (await book.endFailedOnceHealed(drill, error, now)) || book.keep(drill, changed);
  }
  if ((drill.runbooks?.length ?? 0) > 0) {
    // Before the heal: the named runbooks are rehearsed as in the incident, with the primary still down (see drill-runbooks.ts).
    drill.stage = 'running-runbooks';
    const before = drill.failback ? 'the heal and the failback' : 'the heal';
    note(drill, now, `failed over: running the named runbooks ${drill.runbooks!.join(', ')} by hand, in order, before ${before}`);
    await book.save(drill);
    return true;
  }
  return afterFailover(book, drill, now, changed);
}

/**
 * What follows a failover that succeeded (and the drill's named runbooks,
 * if any): heal the injected fault, then wait for the primary to fail back,
 * or end the drill when no failback is asked for (only once healed). True
 * when the drill changed; `changed` says whether the caller changed it already.
 */
export async function afterFailover(book: DrillBook, drill: DrillRecord, now: number, changed: boolean): Promise<boolean> {
  const before = said(drill);
  const healed = await book.heal(drill, now);
  if (drill.failback) {
    // Waiting for the primary begins with the heal (tried again there if it failed here).
    drill.stage = 'awaiting-primary';
    await book.save(drill);
    return true;
  }
  if (!healed) return book.keep(drill, changed || said(drill) !== before);
  note(drill, now, `no failback asked for: the application stays in ${drill.to}`);
  await endDrill(book, drill, 'succeeded', now);
  return true;
}

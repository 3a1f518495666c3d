import { NotFoundError, RunInProgressError, UserInputError } from '../errors/errors.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord, DrillRunbookRun } from './drill.js';
import { type DrillBook, note } from './drill-book.js';
import { afterFailover } from './drill-failing-over.js';
import { seconds } from './drill-report.js';

/** How many named runbooks one game day may run: a rehearsal, not a batch job. */
export const MAX_DRILL_RUNBOOKS = 10;

/**
 * The named runbooks a game day asks for, checked against the application's
 * before anything is injected: an unknown name is a NotFoundError (404) that
 * names the known ones, as POST /runbooks/:name/runs says it. Pure.
 */
export function checkDrillRunbooks(app: string, asked: readonly string[], known: readonly string[]): void {
  if (asked.length > MAX_DRILL_RUNBOOKS) {
    throw new UserInputError(`runbooks: at most ${MAX_DRILL_RUNBOOKS} named runbooks per game day, not ${asked.length}`);
  }
  const unknown = asked.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const has = known.length > 0 ? `it has: ${known.join(', ')}` : 'it names none (config: applications[].runbooks)';
  const names = unknown.map((n) => `"${n}"`).join(', ');
  throw new NotFoundError(`runbooks: application ${app} has no runbook named ${names}; ${has}`);
}

/**
 * Stage `running-runbooks`, after the failover succeeded and before the
 * heal: run each of the drill's named runbooks in turn, by hand as the paged
 * operator would once failed over, with the primary still down (as it would
 * be in the incident rehearsed, and so that no automatic failback slips in
 * between two of them). One run at a time: the next starts when the last has
 * ended. A run that does not succeed ends the drill as failed (healed first)
 * with no failback: the application stays where the failover put it. When
 * all have succeeded the drill goes on as after the failover (heal, then
 * failback or end). True when the drill changed.
 *
 * Durable like every stage: the runs started are in the record
 * (`runbookRuns`), and a run started for the drill but not yet recorded (a
 * crash between the start and the save) is found by its `drillId` and
 * adopted, never started twice.
 */
export async function runningRunbooks(book: DrillBook, drill: DrillRecord, now: number): Promise<boolean> {
  const runs = (drill.runbookRuns ??= []);
  const last = runs.at(-1);
  let changed = false;
  if (last && last.endedAt === undefined) {
    const run = await book.deps.store.getRun(last.runId);
    if (!run) {
      return book.endFailedOnceHealed(drill, `the run ${last.runId} of runbook ${last.name} is not in the store; ${notStarted(drill)}`, now);
    }
    if (run.status === 'running') return false;
    last.endedAt = run.finishedAt ?? now;
    changed = true;
    const why = run.error ? `: ${run.error}` : '';
    note(drill, last.endedAt, `runbook ${last.name}: run ${run.id} ${run.status} after ${seconds(last.endedAt - last.startedAt)}${why}`);
    if (run.status !== 'succeeded') {
      const stops = drill.failback ? 'the failback is not started' : 'the drill ends here';
      note(drill, last.endedAt, `${stops}: a named runbook ${run.status}; ${drill.app} stays in ${drill.to}`);
      const error = `the run ${run.id} of runbook ${last.name} ${run.status}${why}; ${notStarted(drill)} (see GET /runs/${run.id})`;
      // Saved with its end even while the heal fails: the report times the run from it.
      return (await book.endFailedOnceHealed(drill, error, now)) || book.keep(drill, changed);
    }
  }
  const names = drill.runbooks ?? [];
  if (runs.length >= names.length) return afterFailover(book, drill, now, changed);
  return (await startNext(book, drill, names[runs.length]!, now)) || book.keep(drill, changed);
}

/** Start (or adopt, after a restart) the run of the drill's next named runbook. True when the drill changed (and was saved). */
async function startNext(book: DrillBook, drill: DrillRecord, name: string, now: number): Promise<boolean> {
  const { controls } = book.deps;
  const runs = drill.runbookRuns!;
  const position = `${runs.length + 1} of ${drill.runbooks!.length}`;
  const adopted = await unrecordedRun(book, drill, name);
  if (adopted) {
    return record(book, drill, name, adopted, `runbook ${name} (${position}): run ${adopted.id} found started for the drill; followed`);
  }
  // On AWS the stack in the standby's region starts runs into it.
  if (!controls.startsRunsInto(drill.to)) return false;
  // Read right before the start: an abort saved meanwhile must not be followed by a run nobody wants.
  if (!(await book.unchanged(drill))) return false;
  let run: RunRecord;
  try {
    run = await controls.runNamed({
      app: drill.app,
      runbook: name,
      to: drill.to,
      reason: `game day ${drill.id}: runbook ${name} (${position}) after the failover to ${drill.to}, run by hand as an operator would`,
      by: drill.startedBy,
      drillId: drill.id,
    });
  } catch (err) {
    // Someone else's run holds the app: the next tick tries again.
    if (err instanceof RunInProgressError) return false;
    // The runbook left the config, or this stack may not run it: trying again every tick would not help.
    if (err instanceof NotFoundError || err instanceof UserInputError) {
      return book.endFailedOnceHealed(drill, `runbook ${name} could not be started (${err.message}); ${notStarted(drill)}`, now);
    }
    throw err;
  }
  return record(book, drill, name, run, `runbook ${name} (${position}): run ${run.id} started by the drill towards ${drill.to}`);
}

/** What a failed named runbook leaves undone, for the drill's error. */
function notStarted(drill: DrillRecord): string {
  return `${drill.failback ? 'the failback was not started: ' : ''}${drill.app} stays in ${drill.to}`;
}

async function record(book: DrillBook, drill: DrillRecord, name: string, run: RunRecord, text: string): Promise<boolean> {
  const entry: DrillRunbookRun = { name, runId: run.id, startedAt: run.createdAt };
  drill.runbookRuns!.push(entry);
  note(drill, run.createdAt, text);
  await book.save(drill);
  return true;
}

/** A run of `name` the drill started but did not record (the process died between the two): found by its drillId. */
async function unrecordedRun(book: DrillBook, drill: DrillRecord, name: string): Promise<RunRecord | undefined> {
  const recorded = new Set((drill.runbookRuns ?? []).map((r) => r.runId));
  const after = drill.milestones.failoverEndedAt ?? drill.milestones.startedAt;
  const runs = await book.deps.store.listRuns({ app: drill.app, limit: 5 });
  return runs
    .filter((r) => r.kind === 'runbook' && r.drillId === drill.id && r.runbook === name && !recorded.has(r.id) && r.createdAt >= after)
    .sort((a, b) => a.createdAt - b.createdAt)[0];
}

import { ConflictError, NotFoundError } from '../errors/errors.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillEvent, DrillRecord } from './drill.js';
import { type DrillBook, note } from './drill-book.js';
import { recordDetection } from './drill-detecting.js';
import { drillReport, endDrill } from './drill-end.js';
import { drillFailoverRun, linkFailoverRun } from './drill-failover-link.js';

/** What an operator asks for when aborting a game day. */
export interface DrillAbortRequest {
  id: string;
  by: string;
  reason?: string;
}

/** The abort's answer: the ended drill, and the run it left to finish, if any. */
export interface DrillAbortResult {
  drill: DrillRecord;
  runInFlight?: string;
}

/**
 * Abort a running drill: heal the injected fault and start nothing more.
 * A failover or failback run in flight is left to finish: stopped half
 * way it would leave two writers or DNS pointing at a region without its
 * database (POST /runs/:id/cancel remains for that). So the application
 * ends in one consistent layout, in its primary or fully failed over,
 * with no fault left injected.
 *
 * - The heal comes first, and a drill whose fault cannot be healed is not
 *   ended: an ended drill is never advanced again, so its outage would stay
 *   in. The abort is refused (ConflictError, 409) saying so; the drill carries
 *   on, and the operator may try again.
 * - Aborted while its outage was being detected, the drill leaves a failover
 *   hold behind (see failover-hold.ts): the failed rounds the controller
 *   counted until the heal were the drill's, and must not move traffic now.
 * - Unless the controller's failover on the outage has already started (a
 *   tick has not taken it up yet): that run is the drill's, is linked to it
 *   and left to finish, and no hold is left. The runs are read again after
 *   the drill is saved as ended, for a tick that screened its decision
 *   before the abort and launched the run after it.
 */
export async function abortDrill(book: DrillBook, request: DrillAbortRequest): Promise<DrillAbortResult> {
  const { store, clock } = book.deps;
  const asked = `${request.by}${request.reason ? `: ${request.reason}` : ''}`;
  for (let attempt = 0; ; attempt++) {
    const drill = await store.getDrill(request.id);
    if (!drill) throw new NotFoundError(`no drill with id ${request.id}`);
    if (drill.status !== 'running') throw new ConflictError(`drill ${drill.id} has already ended (${drill.status})`);
    const now = clock.now();
    const event: DrillEvent = { at: now, text: `aborted by ${asked}` };
    drill.events.push(event);
    if (!(await book.heal(drill, now))) {
      const why = `could not heal ${drill.from}${drill.healFailure ? `: ${drill.healFailure.error}` : ''}`;
      event.text = `abort asked by ${asked}; refused: ${drill.from} could not be healed, so the drill carries on`;
      await keepRefusal(book, drill);
      throw new ConflictError(
        `${why}: game day ${drill.id} is NOT aborted; it keeps running with its outage in, and the controller may fail over on it. Try the abort again (POST /drills/${drill.id}/abort); the drill also tries the heal again as it goes on`,
      );
    }
    drill.abort = { by: request.by, at: now, ...(request.reason ? { reason: request.reason } : {}) };
    await adoptFailoverRun(book, drill);
    const inFlight = await runInFlight(book, drill);
    if (inFlight) note(drill, now, leftToFinish(inFlight));
    try {
      await endDrill(book, drill, 'aborted', now);
    } catch (err) {
      // A tick moved the drill meanwhile: read it again and abort that.
      if (!(err instanceof ConflictError) || attempt >= 2) throw err;
      continue;
    }
    const late = await adoptLateFailover(book, drill, now);
    const running = late?.status === 'running' ? late : inFlight;
    return { drill, ...(running ? { runInFlight: running.id } : {}) };
  }
}

/** Keep the refused abort in the drill's events. Best effort: a tick that saved meanwhile wins, and the refusal is in the answer and the log. */
async function keepRefusal(book: DrillBook, drill: DrillRecord): Promise<void> {
  try {
    await book.save(drill);
  } catch (err) {
    book.deps.log.warn({ drillId: drill.id, err: String(err) }, 'refused abort not recorded in the drill');
  }
}

/**
 * Aborted during detection, after the controller's failover on the outage
 * started but before a tick linked it: link it now (detection, decision,
 * run), so that the report has it and no hold is left (see holdLeftBy).
 */
async function adoptFailoverRun(book: DrillBook, drill: DrillRecord): Promise<RunRecord | undefined> {
  if (drill.failoverRunId !== undefined || drill.trigger !== 'injected-outage') return undefined;
  const run = await drillFailoverRun(book, drill);
  if (!run) return undefined;
  await recordDetection(book, drill);
  linkFailoverRun(drill, run);
  return run;
}

/**
 * After the drill is saved as ended: a failover the controller decided on
 * the outage before the abort (its screen saw a running drill, no hold) and
 * launched after it. It is the drill's: linked, the hold taken back (it
 * would only hold a failover that has happened), the report frozen again.
 * Best effort: the drill has ended either way, and the answer names the run.
 * (A launch that creates its run after this read is not seen here: the
 * window is the launch's own store round trips.)
 */
async function adoptLateFailover(book: DrillBook, drill: DrillRecord, now: number): Promise<RunRecord | undefined> {
  let run: RunRecord | undefined;
  try {
    run = await adoptFailoverRun(book, drill);
    if (!run) return undefined;
    delete drill.failoverHold;
    note(drill, now, `failover run ${run.id} started as the drill was aborted: the controller had decided on the outage before the heal; ${run.status === 'running' ? leftToFinish(run) : `it ${run.status}`}`);
    drill.report = await drillReport(book.deps, drill);
    await book.save(drill);
    book.deps.log.warn({ drillId: drill.id, runId: run.id }, 'a failover on the aborted drill’s outage started as it was aborted; linked to the drill');
  } catch (err) {
    book.deps.log.warn({ drillId: drill.id, runId: run?.id, err: String(err) }, 'could not link a failover started as the drill was aborted');
  }
  return run;
}

function leftToFinish(run: RunRecord): string {
  return `run ${run.id} (${run.kind}) is left to finish: stopping it half way would leave the application split; cancel it with POST /runs/${run.id}/cancel if you must`;
}

/** The run of this drill that is still executing, if any (for an abort's answer). */
async function runInFlight(book: DrillBook, drill: DrillRecord): Promise<RunRecord | undefined> {
  const [last] = await book.deps.store.listRuns({ app: drill.app, limit: 1 });
  return last?.status === 'running' && last.createdAt >= drill.milestones.startedAt ? last : undefined;
}

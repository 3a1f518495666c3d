import { randomBytes } from 'node:crypto';
import { ConflictError, UserInputError } from '../errors/errors.js';
import { createdAfter } from '../ports/record-order.js';
import type { DrillDecider, DrillRecord } from './drill.js';
import { type DrillBook, note } from './drill-book.js';
import { chooseDecider } from './drill-decider.js';
import { endDrill } from './drill-end.js';
import { checkDrillRunbooks } from './drill-runbooks.js';
import { gameDayRoute } from './game-day-checks.js';

/** What an operator asks for when starting a game day. */
export interface DrillStartRequest {
  app?: string;
  to?: string;
  failback?: boolean;
  /** Also take Route 53's control plane down with the primary (simulated world only). */
  route53?: 'refuses' | 'hangs';
  /** Who the failover decision is left to (injected outages only; default: see DrillDecider). */
  decision?: DrillDecider;
  /** Named runbooks of the application to run by hand, in order, once failed over and before the failback (see drill-runbooks.ts). */
  runbooks?: string[];
  by: string;
}

/**
 * Start a game day for an application: refuse when it cannot run now;
 * otherwise inject an outage of the primary (simulated world), or fail
 * over manually (no fault injector), and return the drill.
 */
export async function startDrill(book: DrillBook, request: DrillStartRequest): Promise<DrillRecord> {
  const { store, clock, faults } = book.deps;
  const app = book.deps.controls.findApp(request.app);
  const runbooks = request.runbooks ?? [];
  // Refused before anything is read or injected: a typo must not cost a region outage.
  checkDrillRunbooks(app.name, runbooks, book.deps.controls.namedRunbooks(app.name));
  const [last] = await store.listRuns({ app: app.name, limit: 1 });
  const view = book.deps.controls.view(app.name);
  if (request.route53 && !faults?.route53) throw new UserInputError("body.route53: this controller cannot take Route 53's control plane down (the simulated world can)");
  const decider = chooseDecider(request.decision, app.policy, app.name, faults !== undefined);
  const { from, to } = gameDayRoute({ app, ...view, canInject: faults !== undefined, ...(request.to !== undefined ? { to: request.to } : {}), ...(last?.status === 'running' ? { runInProgress: last.id } : {}) });
  // The same gate as an operator's failover, before the outage is injected: a drill into a region not ready would only break the primary.
  await book.deps.controls.preflight({ app: app.name, to });
  const now = clock.now();
  const id = newDrillId(now);
  await book.claim.take(app.name, id);
  // Read under the claim, so that no other start slips in. The claim lapses when no tick renewed it for a while
  // (controllers stopped): the drill it covered still runs, and must stay the newest of its app, which is the only
  // one a tick looks at (see DrillConductor.advance). A new drill is ordered after the newest, even within the same millisecond.
  const [newest] = await store.listDrills({ app: app.name, limit: 1 });
  if (newest?.status === 'running') {
    await book.claim.release(app.name, id);
    throw new ConflictError(`drill ${newest.id} is in progress for ${app.name} (${newest.stage}): wait for its end or abort it (POST /drills/${newest.id}/abort)`);
  }
  const createdAt = createdAfter(now, newest?.createdAt);
  const drill: DrillRecord = {
    id,
    app: app.name,
    mode: 'game-day',
    from,
    to,
    trigger: faults ? 'injected-outage' : 'manual-failover',
    failback: request.failback ?? true,
    ...(runbooks.length > 0 ? { runbooks: [...runbooks], runbookRuns: [] } : {}),
    ...(decider ? { decider } : {}),
    ...(request.route53 ? { route53Outage: request.route53 } : {}),
    status: 'running',
    stage: faults ? 'detecting' : 'failing-over',
    startedBy: request.by,
    createdAt,
    updatedAt: now,
    version: 0,
    milestones: { startedAt: now },
    events: [],
  };
  try {
    if (faults) {
      // Recorded before the fault is injected: a crash in between leaves a drill that times out and heals, never an outage nobody knows of.
      await book.save(drill);
      await faults.outage(from);
      note(drill, now, `injected an outage of ${from} (the primary): its endpoints stop answering; the controller is left to notice`);
      // Said only when it differs from the controller deciding on its own: a paged operator is what is rehearsed.
      if (decider === 'operator') note(drill, now, `the failover decision is left to the operator (decision: operator): the drill fails over by hand once ${from} is judged down`);
      if (drill.route53Outage) {
        faults.route53!(drill.route53Outage);
        note(drill, now, `Route 53's control plane ${drill.route53Outage === 'hangs' ? 'hangs' : 'refuses calls'} too, until ${from} heals`);
      }
    } else {
      const run = await book.deps.controls.failover({ app: app.name, to, reason: `game day ${id}: drill failover to ${to} (started by ${request.by})`, by: request.by, drillId: id });
      drill.failoverRunId = run.id;
      drill.decision = { by: 'drill', reason: `manual failover by ${request.by}: no fault can be injected here` };
      drill.milestones.failoverStartedAt = run.createdAt;
      note(drill, now, `no fault injector here: failed over to ${to} by hand (run ${run.id}); detection and decision are not exercised`);
    }
    await book.save(drill);
  } catch (err) {
    await abandonStart(book, drill, err);
    throw err;
  }
  book.deps.log.info({ drillId: id, app: app.name, from, to, trigger: drill.trigger }, 'game day started');
  return drill;
}

/**
 * Leave nothing broken by a drill that never got going. The outage (it may
 * be in: the injection can fail after taking effect) is healed through the
 * book, which sets `healedAt`, so an ended drill leaves its failover hold
 * (the controller may have counted failed rounds of it). A drill already
 * recorded is ended as failed, with why, only once healed: if the heal
 * fails it is left running, and its detection deadline tries the heal again
 * and ends it (an ended drill is never advanced again, so its outage would
 * stay in). One never recorded has no outage in (its save comes before the
 * injection): it only gives its claim back.
 */
async function abandonStart(book: DrillBook, drill: DrillRecord, err: unknown): Promise<void> {
  const { clock, log } = book.deps;
  if (drill.version === 0) {
    await book.claim.release(drill.app, drill.id);
    return;
  }
  const why = `could not start: ${err instanceof Error ? err.message : String(err)}`;
  try {
    const healed = await book.heal(drill, clock.now());
    note(drill, clock.now(), why);
    if (healed) {
      await endDrill(book, drill, 'failed', clock.now());
      return;
    }
    await book.save(drill);
    log.error({ drillId: drill.id, err: String(err) }, 'drill start failed and its outage could not be healed: the drill is left running, and heals and ends at its detection deadline');
  } catch (e) {
    log.error({ drillId: drill.id, err: String(e) }, 'could not record the failed drill start; the drill heals and ends at its detection deadline');
  }
}

/** Sortable and unique: `drill-20261124T120000Z-3f9a1c2b`. */
function newDrillId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `drill-${stamp}-${randomBytes(4).toString('hex')}`;
}

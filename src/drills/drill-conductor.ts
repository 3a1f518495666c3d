import type { AppPolicy } from '../config/types.js';
import { ConflictError, NotFoundError } from '../errors/errors.js';
import type { RegionHealth } from '../health/region-health.js';
import type { Decision, FailoverDecision } from '../policy/decision.js';
import type { DrillRecord, DrillReport } from './drill.js';
import { abortDrill, type DrillAbortRequest, type DrillAbortResult } from './drill-abort.js';
import { DrillBook } from './drill-book.js';
import { DrillClaim } from './drill-claim.js';
import type { DrillConductorDeps } from './drill-deps.js';
import { detecting } from './drill-detecting.js';
import { drillReport } from './drill-end.js';
import { awaitingPrimary, failingBack } from './drill-failback.js';
import { failingOver } from './drill-failing-over.js';
import { runningRunbooks } from './drill-runbooks.js';
import { awaitsRun, settledReport } from './drill-settle.js';
import { type DrillStartRequest, startDrill } from './drill-start.js';
import { drillHoldReason, operatorDecisionHold, retryHoldReason } from './failover-hold.js';

export type { DrillConductorDeps, DrillControls } from './drill-deps.js';

/** How many stages a single tick moves one drill at most (a stage whose condition already holds moves on at once). */
const MAX_STEPS_PER_TICK = 6;

/**
 * Runs game-day drills: a real failover and failback, each phase timed.
 *
 * A drill is a record in the store, not a promise: every controller tick
 * calls `advance()`, which moves each running drill on when the condition
 * of its stage holds (region judged down, run ended, primary healthy
 * again), so a restarted controller, or the next Lambda invocation, simply
 * carries on. Timings come from the runs' step records and the recorded
 * decisions, never from when a tick happened to look.
 *
 * The parts live apart: the start (drill-start.ts), each stage
 * (drill-detecting.ts, drill-failing-over.ts, drill-runbooks.ts, drill-failback.ts), the abort
 * (drill-abort.ts), the end and the report (drill-end.ts), the report of
 * a drill that ended with a run in flight (drill-settle.ts), the holds a
 * drill's outage calls for (failover-hold.ts: left by a drill that ended
 * healed without a failover that moved traffic, or while a running drill's
 * own failover has ended that way), and the record-keeping they
 * share (drill-book.ts, drill-failover-link.ts).
 */
export class DrillConductor {
  private readonly book: DrillBook;

  constructor(private readonly deps: DrillConductorDeps) {
    this.book = new DrillBook(deps, new DrillClaim(deps));
  }

  /**
   * Start a game day for an application: refuse when it cannot run now;
   * otherwise inject an outage of the primary (simulated world), or fail
   * over manually (no fault injector), and return the drill.
   */
  async start(request: DrillStartRequest): Promise<DrillRecord> {
    return startDrill(this.book, request);
  }

  /** A drill by id; NotFoundError when there is none. */
  async get(id: string): Promise<DrillRecord> {
    const drill = await this.deps.store.getDrill(id);
    if (!drill) throw new NotFoundError(`no drill with id ${id}`);
    return drill;
  }

  /** The newest drills first. */
  async list(filter: { app?: string; limit: number }): Promise<DrillRecord[]> {
    return this.deps.store.listDrills(filter);
  }

  /**
   * The drill's report: computed now for a drill in progress; the one frozen
   * when it ended; or, when it ended with a run still in flight (an abort
   * leaves it to finish), one that follows that run and is frozen again once
   * it has ended (see drill-settle.ts).
   */
  async report(id: string): Promise<DrillReport> {
    const drill = await this.get(id);
    if (!drill.report) return drillReport(this.deps, drill);
    return awaitsRun(drill) ? settledReport(this.book, drill) : drill.report;
  }

  /**
   * Abort a running drill: heal the injected fault and start nothing more.
   * A run in flight is left to finish, so the application ends in one
   * consistent layout (see drill-abort.ts); aborted during detection, no
   * automatic failover rests on the drill's outage (see `screen`). Refused
   * (ConflictError) when the fault cannot be healed: the drill carries on.
   */
  async abort(request: DrillAbortRequest): Promise<DrillAbortResult> {
    return abortDrill(this.book, request);
  }

  /**
   * One tick: move every running drill on as far as its conditions allow. Never throws.
   *
   * Per application it reads the newest drill only (one small item per round):
   * a drill starts only when the newest one has ended (see start), so a
   * running drill is always the newest of its app. The listing may come from
   * an eventually consistent index, so a running one is read again, strongly,
   * before anything is done for it: a stale copy must not act for a drill an
   * operator has just aborted.
   */
  async advance(): Promise<void> {
    for (const listed of await this.running()) {
      try {
        const app = this.deps.controls.findApp(listed.app);
        if (!(await this.book.claim.renew(listed.app, listed.id))) {
          // Ended only once healed: an ended drill is never advanced again, so a failed heal is tried again next tick.
          await this.book.endFailedOnceHealed(listed, 'another drill took the application over while no controller advanced this one', this.deps.clock.now());
          continue;
        }
        let drill: DrillRecord | undefined = listed;
        for (let i = 0; i < MAX_STEPS_PER_TICK && drill?.status === 'running'; i++) {
          if (!(await this.step(drill, app.policy))) break;
          drill = await this.deps.store.getDrill(drill.id);
        }
      } catch (err) {
        // Another writer (a second controller, an abort) got there first, or the store hiccupped: the next tick reads again.
        const level = err instanceof ConflictError ? 'debug' : 'warn';
        this.deps.log[level]({ drillId: listed.id, err: String(err) }, 'drill not advanced this tick');
      }
    }
  }

  /**
   * The controller's decision, or a hold in place of a failover whose
   * evidence is a drill's injected outage: one the drill healed when it ended
   * without a failover that moved traffic (aborted during detection, given
   * up, its failover run rejected or cancelled), or one still in while the
   * running drill's own failover run has already ended that way, or one a
   * running drill is detecting while it leaves the decision to the operator
   * (see failover-hold.ts). Never throws: when the drills cannot be read, the
   * decision stands (a real outage must not wait on the store).
   *
   * It sits on the path of every real failover, so it costs as little as
   * it can: nothing without a fault injector (holds exist only where outages
   * are injected; on AWS, and for every non-failover decision, no read at
   * all); the newest drill only; and the observations only when the failure
   * streak began by the heal (the rounds since the heal: few, since once
   * `fall` of them have failed in a row the failover goes ahead).
   *
   * A hold is quiet (`attention: false`) while the drill is expected to
   * settle it; it pages once the drill's heal has failed for too long (see
   * retryHoldReason).
   */
  async screen(decision: Decision, health: Record<string, RegionHealth>): Promise<Decision> {
    if (decision.action !== 'failover' || !this.deps.faults) return decision;
    const regionHealth = health[decision.from];
    // No failure streak: nothing for a drill to have caused (see drillHoldReason).
    if (regionHealth?.failingSince === undefined) return decision;
    const { store, vantage } = this.deps;
    try {
      const [listed] = await store.listDrills({ app: decision.app, limit: 1 });
      // Read strongly: the listing may come from an index that has not seen the abort yet.
      const drill = listed ? await store.getDrill(listed.id) : undefined;
      if (drill?.status === 'running') {
        // The drill rehearses the operator's decision: it fails over by hand in this same tick.
        const rehearsal = operatorDecisionHold(drill, decision.from);
        if (rehearsal) return this.held(decision, drill, rehearsal);
        // The drill's own failover already ended without moving traffic, and its outage is still in: one read, of that run.
        const run = drill.stage === 'failing-over' && drill.failoverRunId ? await store.getRun(drill.failoverRunId) : undefined;
        const retry = retryHoldReason(drill, decision.from, run);
        return retry ? this.held(decision, drill, retry.reason, retry.attention) : decision;
      }
      const hold = drill?.failoverHold;
      if (!drill || !hold || hold.region !== decision.from) return decision;
      // A streak that began after the heal was never the drill's: decided without reading a round (an old hold costs nothing more).
      if (regionHealth.failingSince > hold.healedAt) return decision;
      const policy = this.deps.controls.findApp(decision.app).policy;
      // Every round since the heal: the hold lifts on a count of failed rounds, and with rounds slower than the
      // interval (a probe timeout ≥ the interval) a window in time would hold fewer than `fall` and keep a real
      // outage held for good. Bounded: read only while the streak began by the heal, and once `fall` rounds
      // after it have failed the failover goes ahead (and the streak is no longer the drill's).
      const rounds = await store.listObservations({ app: decision.app, region: decision.from, since: hold.healedAt, vantage });
      return this.held(decision, drill, drillHoldReason({ drill, from: decision.from, health: regionHealth, roundsSinceHeal: rounds, fallThreshold: policy.fallThreshold }));
    } catch (err) {
      this.deps.log.warn({ app: decision.app, err: String(err) }, 'cannot read the drills; the failover decision stands');
      return decision;
    }
  }

  /** A hold in place of `decision` when there is a reason, else the decision. */
  private held(decision: FailoverDecision, drill: DrillRecord, reason: string | undefined, attention = false): Decision {
    if (!reason) return decision;
    this.deps.log[attention ? 'warn' : 'info']({ app: decision.app, drillId: drill.id, region: decision.from, attention }, 'failover held: its evidence is a drill’s outage');
    return { action: 'hold', app: decision.app, at: decision.at, reason, attention };
  }

  /**
   * The drills in progress, at most one per application (a running drill is
   * always the newest of its app: see advance), each read strongly. Never
   * throws: an application whose drills cannot be read is left out and
   * logged (a status page must not fail on it, and a tick tries again).
   */
  async running(): Promise<DrillRecord[]> {
    // The applications' reads go out together: a round waits for one store round trip, not one per application.
    const newest = await Promise.all(
      this.deps.controls.apps().map(async (name) => {
        try {
          const [listed] = await this.deps.store.listDrills({ app: name, limit: 1 });
          return listed?.status === 'running' ? await this.deps.store.getDrill(listed.id) : undefined;
        } catch (err) {
          this.deps.log.warn({ app: name, err: String(err) }, 'cannot read drills; trying again next tick');
          return undefined;
        }
      }),
    );
    return newest.filter((d): d is DrillRecord => d?.status === 'running');
  }

  /**
   * The game day whose injected outage of `from` the controller is detecting
   * now (stage `detecting`), if any: a failover the controller decides away
   * from `from` meanwhile is that drill's run (RunRecord.drillId), and starts
   * no cooldown. Costs nothing without a fault injector (on AWS a game day
   * begins with its own failover, marked by the drill itself); otherwise the
   * newest drill of the app, read strongly. Never throws: when the drills
   * cannot be read, the failover goes ahead unmarked (a real outage must not
   * wait on the store; at worst the cooldown holds a later one).
   */
  async detectingDrillOf(app: string, from: string): Promise<string | undefined> {
    if (!this.deps.faults) return undefined;
    try {
      const [listed] = await this.deps.store.listDrills({ app, limit: 1 });
      if (listed?.status !== 'running') return undefined;
      const drill = await this.deps.store.getDrill(listed.id);
      return drill?.status === 'running' && drill.stage === 'detecting' && drill.trigger === 'injected-outage' && drill.from === from ? drill.id : undefined;
    } catch (err) {
      this.deps.log.warn({ app, err: String(err) }, 'cannot read the drills; the failover is not marked as a drill’s');
      return undefined;
    }
  }

  /** Move one drill one stage on when its condition holds; true when it changed. */
  private async step(drill: DrillRecord, policy: AppPolicy): Promise<boolean> {
    const now = this.deps.clock.now();
    switch (drill.stage) {
      case 'detecting':
        return detecting(this.book, drill, policy, now);
      case 'failing-over':
        return failingOver(this.book, drill, now);
      case 'running-runbooks':
        return runningRunbooks(this.book, drill, now);
      case 'awaiting-primary':
        return awaitingPrimary(this.book, drill, policy, now);
      case 'failing-back':
        return failingBack(this.book, drill, now);
      case 'ended':
        return false;
    }
  }
}

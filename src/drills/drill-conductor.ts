import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AvailabilityReport } from '../availability/types.js';
import type { AppConfig, AppPolicy } from '../config/types.js';
import { ConflictError, NotFoundError, RunInProgressError } from '../errors/errors.js';
import type { RegionHealth } from '../health/region-health.js';
import type { Clock } from '../ports/clock.js';
import type { FaultInjector } from '../ports/fault-injector.js';
import type { StateStore } from '../ports/state-store.js';
import { createdAfter } from '../ports/record-order.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord, DrillReport, DrillStatus } from './drill.js';
import { DrillClaim } from './drill-claim.js';
import { buildDrillReport } from './drill-report.js';
import { gameDayRoute } from './game-day-checks.js';

/** What the drills need from the controller: its view of an application, and its operator levers. */
export interface DrillControls {
  /** The applications this controller serves, by name. */
  apps(): string[];
  /** An application by name (or the only one); UserInputError when unknown. */
  findApp(name?: string): AppConfig;
  /** The controller's current view of an application. */
  view(app: string): { activeRegion: string; health: Record<string, RegionHealth> };
  /** The operator's manual failover (refused while a run holds the app). */
  failover(request: { app: string; to: string; reason: string }): Promise<RunRecord>;
  /** The operator's failback to the primary (manual: no hold-down). */
  failback(request: { app: string; reason: string }): Promise<RunRecord>;
  /** Whether runs into `region` may be started here (on AWS only the stack in that region starts them). */
  startsRunsInto(region: string): boolean;
  /** The application's availability, when the controller measures it. */
  availability(app: string): Promise<AvailabilityReport | undefined>;
}

/** Dependencies of the drill conductor. */
export interface DrillConductorDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  environment: 'sim' | 'aws';
  /** Present in the simulated world: outages are injected. Absent on AWS: a game day starts with a manual failover. */
  faults?: FaultInjector;
  controls: DrillControls;
}

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
 */
export class DrillConductor {
  private readonly claim: DrillClaim;

  constructor(private readonly deps: DrillConductorDeps) {
    this.claim = new DrillClaim(deps);
  }

  /**
   * Start a game day for an application: refuse when it cannot run now;
   * otherwise inject an outage of the primary (simulated world), or fail
   * over manually (no fault injector), and return the drill.
   */
  async start(request: { app?: string; to?: string; failback?: boolean; by: string }): Promise<DrillRecord> {
    const { store, clock, faults } = this.deps;
    const app = this.deps.controls.findApp(request.app);
    const [last] = await store.listRuns({ app: app.name, limit: 1 });
    const view = this.deps.controls.view(app.name);
    const { from, to } = gameDayRoute({ app, ...view, canInject: faults !== undefined, ...(request.to !== undefined ? { to: request.to } : {}), ...(last?.status === 'running' ? { runInProgress: last.id } : {}) });
    const now = clock.now();
    const id = newDrillId(now);
    await this.claim.take(app.name, id);
    // Read under the claim, so that no other start slips in. The claim lapses when no tick renewed it for a while
    // (controllers stopped): the drill it covered still runs, and must stay the newest of its app, which is the only
    // one a tick looks at (see advance). A new drill is ordered after the newest, even within the same millisecond.
    const [newest] = await store.listDrills({ app: app.name, limit: 1 });
    if (newest?.status === 'running') {
      await this.claim.release(app.name, id);
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
        await this.save(drill);
        await faults.outage(from);
        note(drill, now, `injected an outage of ${from} (the primary): its endpoints stop answering; the controller is left to notice`);
      } else {
        const run = await this.deps.controls.failover({ app: app.name, to, reason: `game day ${id}: drill failover to ${to} (started by ${request.by})` });
        drill.failoverRunId = run.id;
        drill.decision = { by: 'drill', reason: `manual failover by ${request.by}: no fault can be injected here` };
        drill.milestones.failoverStartedAt = run.createdAt;
        note(drill, now, `no fault injector here: failed over to ${to} by hand (run ${run.id}); detection and decision are not exercised`);
      }
      await this.save(drill);
    } catch (err) {
      // Nothing may be left broken by a drill that never got going.
      if (faults) await faults.heal(from).catch((e: unknown) => this.deps.log.error({ drillId: id, err: String(e) }, 'could not heal after a failed drill start'));
      if (drill.version > 0) {
        // Already recorded: end it as failed, with why, rather than leave it running.
        note(drill, this.deps.clock.now(), `could not start: ${err instanceof Error ? err.message : String(err)}`);
        await this.end(drill, 'failed', this.deps.clock.now()).catch((e: unknown) => this.deps.log.error({ drillId: id, err: String(e) }, 'could not record the failed drill start'));
      }
      await this.claim.release(app.name, id);
      throw err;
    }
    this.deps.log.info({ drillId: id, app: app.name, from, to, trigger: drill.trigger }, 'game day started');
    return drill;
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

  /** The drill's report: the one frozen when it ended, or one computed now for a drill in progress. */
  async report(id: string): Promise<DrillReport> {
    const drill = await this.get(id);
    return drill.report ?? this.compute(drill);
  }

  /**
   * Abort a running drill: heal the injected fault and start nothing more.
   * A failover or failback run in flight is left to finish: stopped half
   * way it would leave two writers or DNS pointing at a region without its
   * database (POST /runs/:id/cancel remains for that). So the application
   * ends in one consistent layout, in its primary or fully failed over,
   * with no fault left injected.
   */
  async abort(request: { id: string; by: string; reason?: string }): Promise<{ drill: DrillRecord; runInFlight?: string }> {
    for (let attempt = 0; ; attempt++) {
      const drill = await this.get(request.id);
      if (drill.status !== 'running') throw new ConflictError(`drill ${drill.id} has already ended (${drill.status})`);
      const now = this.deps.clock.now();
      drill.abort = { by: request.by, at: now, ...(request.reason ? { reason: request.reason } : {}) };
      note(drill, now, `aborted by ${request.by}${request.reason ? `: ${request.reason}` : ''}`);
      await this.heal(drill, now);
      const inFlight = await this.runInFlight(drill);
      if (inFlight) note(drill, now, `run ${inFlight.id} (${inFlight.kind}) is left to finish: stopping it half way would leave the application split; cancel it with POST /runs/${inFlight.id}/cancel if you must`);
      try {
        await this.end(drill, 'aborted', now);
        return { drill, ...(inFlight ? { runInFlight: inFlight.id } : {}) };
      } catch (err) {
        // A tick moved the drill meanwhile: read it again and abort that.
        if (!(err instanceof ConflictError) || attempt >= 2) throw err;
      }
    }
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
    for (const listed of newest) {
      if (listed?.status !== 'running') continue;
      try {
        const app = this.deps.controls.findApp(listed.app);
        if (!(await this.claim.renew(listed.app, listed.id))) {
          listed.error = 'another drill took the application over while no controller advanced this one';
          await this.heal(listed, this.deps.clock.now());
          await this.end(listed, 'failed', this.deps.clock.now());
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

  /** Move one drill one stage on when its condition holds; true when it changed. */
  private async step(drill: DrillRecord, policy: AppPolicy): Promise<boolean> {
    const now = this.deps.clock.now();
    switch (drill.stage) {
      case 'detecting':
        return this.detecting(drill, policy, now);
      case 'failing-over':
        return this.failingOver(drill, now);
      case 'awaiting-primary':
        return this.awaitingPrimary(drill, policy, now);
      case 'failing-back':
        return this.failingBack(drill, now);
      case 'ended':
        return false;
    }
  }

  /** Wait for the controller to judge the region down and fail over; stand in for the paged operator if it holds. */
  private async detecting(drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
    const m = drill.milestones;
    let changed = false;
    if (m.detectedAt === undefined) {
      const judged = (await this.deps.store.listDecisions({ app: drill.app, limit: 50 }))
        .filter((d) => d.at >= m.startedAt && d.inputs?.regions.some((r) => r.name === drill.from && r.state === 'unhealthy'))
        .sort((a, b) => a.at - b.at)[0];
      if (judged) {
        const seen = judged.inputs!.regions.find((r) => r.name === drill.from)!;
        const votes = seen.votesDown !== undefined ? `, ${seen.votesDown} of ${seen.votesCounted ?? '?'} vantage points agreeing` : '';
        m.detectedAt = judged.at;
        drill.detection = { reason: `judged unhealthy by the controller (${drill.app}'s decision at ${new Date(judged.at).toISOString()}) after ${seen.consecutiveFailures} failed probe rounds in a row${votes}` };
        note(drill, judged.at, `${drill.from} judged unhealthy ${seconds(judged.at - m.startedAt)} after the injection, after ${seen.consecutiveFailures} failed rounds`);
        changed = true;
      }
    }
    const run = (await this.deps.store.listRuns({ app: drill.app, limit: 10 })).filter((r) => r.kind === 'failover' && r.from === drill.from && r.createdAt >= m.startedAt).sort((a, b) => a.createdAt - b.createdAt)[0];
    if (run) {
      if (m.detectedAt === undefined) {
        // The decision was not found (another vantage point judged, or the history moved on): the run's start is the latest the detection can have been.
        m.detectedAt = run.createdAt;
        note(drill, run.createdAt, `${drill.from} judged unhealthy (taken from the failover run's start: no recorded decision found)`);
      }
      const by = run.trigger === 'automatic' ? 'controller' : 'operator';
      drill.decision ??= { by, reason: run.reason };
      drill.failoverRunId = run.id;
      m.failoverStartedAt = run.createdAt;
      drill.stage = 'failing-over';
      note(drill, run.createdAt, `failover run ${run.id} to ${run.to} started (${run.trigger}): ${run.reason}`);
      await this.save(drill);
      return true;
    }
    // Saved before anything is tried on it: the detection is a milestone of the report and the start of the deadline
    // below, and a failover by hand that throws must not lose it (the decisions it was read from move on).
    if (changed) return this.keep(drill, changed);
    if (m.detectedAt !== undefined) {
      const graceMs = Math.max(30_000, 3 * policy.probeIntervalSeconds * 1000);
      // Checked before failing over by hand: a failover that is refused every tick must not keep the region down for good.
      const deadline = graceMs + detectionDeadlineMs(policy);
      if (now - m.detectedAt > deadline) {
        drill.error = `no failover run started within ${Math.round(deadline / 1000)} s of ${drill.from} being judged unhealthy (see the events and the controller's log)`;
        await this.heal(drill, now);
        await this.end(drill, 'failed', now);
        return true;
      }
      if ((!policy.automaticFailover || now - m.detectedAt >= graceMs) && (await this.failOverByHand(drill, policy, now))) changed = true;
    } else if (now - m.startedAt > detectionDeadlineMs(policy)) {
      drill.error = `${drill.from} was not judged unhealthy within ${Math.round(detectionDeadlineMs(policy) / 1000)} s of the injected outage: do its probes reach the application?`;
      await this.heal(drill, now);
      await this.end(drill, 'failed', now);
      return true;
    }
    return this.keep(drill, changed);
  }

  /**
   * The controller judged the region down but holds (automatic failover off,
   * cooldown, daily cap, no quorum): the drill does what a paged operator
   * would, and the report says the decision was not the controller's.
   */
  private async failOverByHand(drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
    if (!this.deps.controls.startsRunsInto(drill.to)) return false;
    const [latest] = await this.deps.store.listDecisions({ app: drill.app, limit: 1 });
    const held = policy.automaticFailover ? (latest?.reason ?? 'the controller did not fail over') : 'automatic failover is off';
    if (!(await this.unchanged(drill))) return false;
    try {
      const run = await this.deps.controls.failover({ app: drill.app, to: drill.to, reason: `game day ${drill.id}: ${drill.from} is down and the controller holds (${held}); failing over as the paged operator would` });
      drill.decision = { by: 'drill', reason: held };
      drill.failoverRunId = run.id;
      drill.milestones.failoverStartedAt = run.createdAt;
      drill.stage = 'failing-over';
      note(drill, now, `the controller held (${held}): the drill failed over by hand, run ${run.id}`);
      return true;
    } catch (err) {
      // A run got there first (the controller decided after all): the next tick finds it.
      if (err instanceof RunInProgressError) return false;
      throw err;
    }
  }

  private async failingOver(drill: DrillRecord, now: number): Promise<boolean> {
    const run = drill.failoverRunId ? await this.deps.store.getRun(drill.failoverRunId) : undefined;
    if (!run) {
      drill.error = `the failover run ${drill.failoverRunId ?? '(none)'} is not in the store`;
      await this.heal(drill, now);
      await this.end(drill, 'failed', now);
      return true;
    }
    if (run.status === 'running') return false;
    drill.milestones.failoverEndedAt = run.finishedAt ?? now;
    note(drill, drill.milestones.failoverEndedAt, `failover run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
    await this.heal(drill, now);
    if (run.status !== 'succeeded') {
      drill.error = `the failover run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}; the application is where the run left it (see GET /runs/${run.id})`;
      await this.end(drill, 'failed', now);
    } else if (!drill.failback) {
      note(drill, now, `no failback asked for: the application stays in ${drill.to}`);
      await this.end(drill, 'succeeded', now);
    } else {
      drill.stage = 'awaiting-primary';
      await this.save(drill);
    }
    return true;
  }

  /** After the heal: fail back once the controller sees the primary healthy again. */
  private async awaitingPrimary(drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
    const m = drill.milestones;
    let changed = false;
    if (drill.trigger === 'injected-outage' && m.healedAt === undefined) {
      // An earlier heal failed: nothing else may happen before it succeeds.
      await this.heal(drill, now);
      if (m.healedAt === undefined) return false;
      changed = true;
    }
    const since = m.healedAt ?? m.failoverEndedAt ?? now;
    const adopted = await this.failbackRun(drill);
    if (adopted) return this.toFailingBack(drill, adopted, `failback run ${adopted.id} started (${adopted.trigger}): ${adopted.reason}`);
    const health = this.deps.controls.view(drill.app).health[drill.from];
    if (health?.state === 'healthy' && (health.lastObservationAt ?? 0) >= since) {
      if (m.primaryHealthyAt === undefined) {
        m.primaryHealthyAt = Math.max(health.since, since);
        note(drill, m.primaryHealthyAt, `${drill.from} judged healthy again (${policy.riseThreshold} good rounds)`);
        changed = true;
      }
      // On AWS the stack in the primary's region starts the failback.
      if (!this.deps.controls.startsRunsInto(drill.from)) return this.keep(drill, changed);
      const skipped = `the failback hold-down of ${policy.failbackHoldDownSeconds} s is not waited for: the drill healed ${drill.from} itself`;
      if (!(await this.unchanged(drill))) return this.keep(drill, changed);
      try {
        const run = await this.deps.controls.failback({ app: drill.app, reason: `game day ${drill.id}: failback to ${drill.from} (${skipped})` });
        return this.toFailingBack(drill, run, `failback run ${run.id} started by the drill; ${skipped}`);
      } catch (err) {
        if (!(err instanceof RunInProgressError)) throw err;
        // Someone else's run holds the app (an automatic failback is adopted next tick).
        return this.keep(drill, changed);
      }
    }
    const deadline = primaryDeadlineMs(policy);
    if (now - since > deadline) {
      drill.error = `${drill.from} was not judged healthy within ${Math.round(deadline / 1000)} s of the heal; the application stays in ${drill.to}: fail back by hand (POST /failback) once it is`;
      await this.end(drill, 'failed', now);
      return true;
    }
    return this.keep(drill, changed);
  }

  private async toFailingBack(drill: DrillRecord, run: RunRecord, text: string): Promise<boolean> {
    drill.failbackRunId = run.id;
    drill.milestones.failbackStartedAt = run.createdAt;
    drill.stage = 'failing-back';
    note(drill, run.createdAt, text);
    await this.save(drill);
    return true;
  }

  private async failingBack(drill: DrillRecord, now: number): Promise<boolean> {
    const run = drill.failbackRunId ? await this.deps.store.getRun(drill.failbackRunId) : undefined;
    if (run?.status === 'running') return false;
    drill.milestones.failbackEndedAt = run?.finishedAt ?? now;
    if (run?.status === 'succeeded') {
      note(drill, drill.milestones.failbackEndedAt, `failback run ${run.id} succeeded: ${drill.app} is back in ${drill.from}`);
      await this.end(drill, 'succeeded', now);
    } else {
      drill.error = run ? `the failback run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}; see GET /runs/${run.id}` : `the failback run ${drill.failbackRunId ?? '(none)'} is not in the store`;
      note(drill, drill.milestones.failbackEndedAt, drill.error);
      await this.end(drill, 'failed', now);
    }
    return true;
  }

  /** A failback run into the primary created after the failover ended (an automatic one, or one another stack started for the drill). */
  private async failbackRun(drill: DrillRecord): Promise<RunRecord | undefined> {
    const after = drill.milestones.failoverEndedAt ?? drill.milestones.startedAt;
    const runs = await this.deps.store.listRuns({ app: drill.app, limit: 5 });
    return runs.filter((r) => r.kind === 'failback' && r.to === drill.from && r.createdAt >= after).sort((a, b) => a.createdAt - b.createdAt)[0];
  }

  /** The run of this drill that is still executing, if any (for an abort's answer). */
  private async runInFlight(drill: DrillRecord): Promise<RunRecord | undefined> {
    const [last] = await this.deps.store.listRuns({ app: drill.app, limit: 1 });
    return last?.status === 'running' && last.createdAt >= drill.milestones.startedAt ? last : undefined;
  }

  /**
   * Whether the stored drill is still the one this tick read (same version,
   * still running). Asked right before a run is started for the drill: the
   * drill's own save comes after the run, so without this an abort saved
   * meanwhile would be followed by a failover or failback nobody wants.
   * (A write between this read and the run's start remains possible; the
   * window is one store read long.)
   */
  private async unchanged(drill: DrillRecord): Promise<boolean> {
    const stored = await this.deps.store.getDrill(drill.id);
    return stored?.status === 'running' && stored.version === drill.version;
  }

  /** Heal the injected fault, once; a failure is noted, and tried again later. */
  private async heal(drill: DrillRecord, now: number): Promise<void> {
    if (drill.trigger !== 'injected-outage' || drill.milestones.healedAt !== undefined) return;
    if (!this.deps.faults) {
      note(drill, now, `cannot heal ${drill.from} from here: this controller has no fault injector`);
      return;
    }
    try {
      await this.deps.faults.heal(drill.from);
      drill.milestones.healedAt = now;
      note(drill, now, `healed ${drill.from}`);
    } catch (err) {
      this.deps.log.error({ drillId: drill.id, err: String(err) }, 'could not heal the injected outage');
      note(drill, now, `could not heal ${drill.from}: ${String(err)}`);
    }
  }

  /** End a drill: freeze its report, save it, give up the application's drill claim. */
  private async end(drill: DrillRecord, status: Exclude<DrillStatus, 'running'>, now: number): Promise<void> {
    drill.status = status;
    drill.stage = 'ended';
    drill.finishedAt = now;
    drill.report = await this.compute(drill);
    await this.save(drill);
    await this.claim.release(drill.app, drill.id);
    this.deps.log.info({ drillId: drill.id, status, verdict: drill.report.verdict }, 'game day ended');
  }

  private async compute(drill: DrillRecord): Promise<DrillReport> {
    const { store, clock, environment, controls } = this.deps;
    const [failoverRun, failbackRun, availability] = await Promise.all([
      drill.failoverRunId ? store.getRun(drill.failoverRunId) : undefined,
      drill.failbackRunId ? store.getRun(drill.failbackRunId) : undefined,
      controls.availability(drill.app).catch(() => undefined),
    ]);
    let policy: Pick<AppPolicy, 'rtoSeconds' | 'rpoSeconds'>;
    try {
      policy = controls.findApp(drill.app).policy;
    } catch {
      policy = { rtoSeconds: 0, rpoSeconds: 0 };
    }
    return buildDrillReport({
      drill,
      ...(failoverRun ? { failoverRun } : {}),
      ...(failbackRun ? { failbackRun } : {}),
      policy,
      environment,
      ...(availability ? { availability } : {}),
      now: clock.now(),
    });
  }

  /** Save the drill if this step changed it; says whether it did. */
  private async keep(drill: DrillRecord, changed: boolean): Promise<boolean> {
    if (changed) await this.save(drill);
    return changed;
  }

  private async save(drill: DrillRecord): Promise<void> {
    drill.version += 1;
    drill.updatedAt = this.deps.clock.now();
    await this.deps.store.putDrill(drill);
  }
}

/** If the region is not judged down by then, its probes do not see the outage: the whole RTO, and at least two fall windows. */
function detectionDeadlineMs(policy: AppPolicy): number {
  return Math.max(policy.rtoSeconds * 1000, 2 * (policy.fallThreshold + 1) * policy.probeIntervalSeconds * 1000);
}

/** How long the healed primary may take to be judged healthy: ten minutes, or two rise windows if longer. */
function primaryDeadlineMs(policy: AppPolicy): number {
  return Math.max(10 * 60_000, 2 * (policy.riseThreshold + 1) * policy.probeIntervalSeconds * 1000);
}

function note(drill: DrillRecord, at: number, text: string): void {
  drill.events.push({ at, text });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Sortable and unique: `drill-20261124T120000Z-3f9a1c2b`. */
function newDrillId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `drill-${stamp}-${randomBytes(4).toString('hex')}`;
}

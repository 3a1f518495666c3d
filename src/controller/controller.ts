import type { Logger } from 'pino';
import { AvailabilityLedger } from '../availability/ledger.js';
import type { LedgerRound } from '../availability/types.js';
import type { AppConfig, Config } from '../config/types.js';
import { RunInProgressError, UserInputError } from '../errors/errors.js';
import { activeRegionOf } from '../dns/desired-records.js';
import { observe, type RegionHealth, withoutFlapEvidence } from '../health/region-health.js';
import { decide } from '../policy/decide.js';
import type { Decision, DecisionInputs } from '../policy/decision.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { ObservationRecord, StateStore } from '../ports/state-store.js';
import type { ProbeResult, ProbeTarget } from '../probes/types.js';
import type { ExecuteOptions } from '../runbook/engine.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import type { Runbook } from '../runbook/step.js';
import { type MoveKind, RunbookCatalog } from '../runbook/runbook-catalog.js';
import { DrillConductor } from '../drills/drill-conductor.js';
import type { FaultInjector } from '../ports/fault-injector.js';
import { findApp } from './app-lookup.js';
import { NotificationOutbox } from './notification-outbox.js';
import { maxHeldGapMs, nextDecisionEntry } from './decision-log.js';
import { FailoverLeftovers } from './failover-leftovers.js';
import { PendingFences } from './pending-fences.js';
import { automaticFailoverTimes, lastFailoverFromRuns, latest, takeUpOutcome } from './run-outcome.js';
import { retryingProviders } from '../runbook/retrying-providers.js';
import type { RunPlan } from './planner.js';
import { RunLauncher, type RunPlacement } from './run-launcher.js';
import { type ApprovalAnswer, type CancelRequest, RunSignals } from './run-signals.js';
import { type AppStatus, type ControllerStatus, regionStatus } from './status-view.js';
import { storedHealth, vantageVotes, WITNESS } from './stored-rounds.js';
import { voterRegions } from '../traffic/voter-regions.js';
import { TrafficVoter } from './traffic-voter.js';
import { answeredRegion } from '../traffic/answered-region.js';
import { type ProvisionPlan, provision } from '../traffic/provision.js';
import { mergeReports, WorldWatch } from './world-watch.js';
import { PreflightGate } from './preflight-gate.js';
import { type FailbackRequest, type FailoverRequest, type NamedRunRequest, OperatorRuns } from './operator-runs.js';
import type { WorldReadDeps } from '../readiness/evaluate-world.js';
import { appAttention, type AppReadiness } from './app-attention.js';
import { drillAttentionItem } from '../drills/drill-attention-item.js';
import type { RunbookPermissions } from '../readiness/permission-readiness.js';
import { type AppGaugeView, ControllerMetrics } from '../metrics/controller-metrics.js';
import { NO_METRICS, type MetricsSink } from '../ports/metrics-sink.js';

/** How often a process retries resuming a run nobody executes. */
const RESUME_RETRY_MS = 30_000;

/** Everything the controller is wired to. */
export interface ControllerDeps {
  config: Config;
  clock: Clock;
  store: StateStore;
  cloud: CloudProviders;
  prober: Prober;
  log: Logger;
  /** Each application's runbooks (its own, from config), or just the built-in pair every application runs. */
  runbooks: RunbookCatalog | Record<MoveKind, Runbook>;
  /** Where decisions that act or need a human are sent. */
  notifier?: Notifier;
  /** Which runs this controller may execute (its stack's region) and how it hands them to a worker. */
  placement?: RunPlacement;
  /** Breaks and heals regions for game-day drills (the simulated world); absent on AWS. */
  faults?: FaultInjector;
  /** On AWS, the runbook worker's role and its runbooks' calls, for the readiness check of its permissions. */
  permissions?: RunbookPermissions;
  /** Where the controller's metrics go (Prometheus locally, EMF on Lambda); none by default. */
  metrics?: MetricsSink;
  /**
   * The availability ledger, when it outlives the controller: a Lambda
   * container's warm invocations share its cache of settled hours, so that
   * the error budget gauge does not read 30 days of the ledger every minute.
   */
  availability?: AvailabilityLedger;
}

interface AppRuntime {
  app: AppConfig;
  health: Record<string, RegionHealth>;
  activeRegion: string;
  lastFailoverAt?: number;
  lastDecision?: Decision;
  nextDueAt: number;
  /** The newest ended run whose outcome this runtime has taken up. */
  lastSeenRunId?: string;
  /** This vantage point's previous round, as the availability ledger booked it. */
  lastRound?: LedgerRound;
  /** When `activeRegion` was last set from a run or a DNS read: a DNS sighting older than that is stale. */
  activeSetAt: number;
}

/**
 * The controller loop: observe (probe every region), decide (pure policy),
 * act (launch a runbook run), record (decisions and runs in the store).
 * Also the entry point for operators: manual failover, failback and plans.
 */
export class Controller {
  private readonly apps = new Map<string, AppRuntime>();
  private readonly launcher: RunLauncher;
  private readonly availability: AvailabilityLedger;
  private readonly signals: RunSignals;
  private readonly notifications: NotificationOutbox;
  /** The cloud's reads, retried on a transient error like the runbooks' (a throttled describe must not refuse a failover). */
  private readonly reads: CloudProviders;
  /** When this process last tried to resume each orphaned run. */
  private readonly resumeTriedAt = new Map<string, number>();
  private loop?: { stop: AbortController; done: Promise<void> };
  private changes = 0;
  /** Game-day drills: started through the API, moved on by every tick. */
  readonly drills: DrillConductor;
  /** Network fences a failover left pending (its old region did not answer): tried again every tick. */
  private readonly fences: PendingFences;
  /** What failovers leave to finish once the world allows: Aurora's lost-writes snapshots, an RDS writer's Multi-AZ. */
  private readonly leftovers: FailoverLeftovers;
  /** This stack's votes in health-checks switches, from the stored intents. */
  private readonly voter: TrafficVoter;
  /** Readiness and drift: what the world really is, read every round (drift) and every few minutes (readiness). */
  readonly world: WorldWatch;
  /** Operators' runs: manual failover and failback, behind their refusals and pre-flight gate, and dry runs. */
  private readonly operator: OperatorRuns;
  /** Which runbook each application runs. */
  readonly runbooks: RunbookCatalog;
  private readonly metrics: ControllerMetrics;

  constructor(private readonly deps: ControllerDeps) {
    this.runbooks = RunbookCatalog.of(deps.runbooks);
    this.metrics = new ControllerMetrics(deps.metrics ?? NO_METRICS, deps.config.vantage);
    this.metrics.declare(deps.config.applications.map((a) => a.name));
    // Read when the metrics are collected (a scrape, the end of a Lambda invocation), not every round.
    if (deps.metrics) this.metrics.collect(() => this.gaugeViews());
    this.launcher = new RunLauncher({
      store: deps.store,
      clock: deps.clock,
      cloud: deps.cloud,
      prober: deps.prober,
      log: deps.log,
      runbooks: this.runbooks,
      ...(deps.placement ? { placement: deps.placement } : {}),
      voterRegions: voterRegions(deps.config),
      onFinished: (run, how) => this.afterRun(run, how),
      onRunSaved: () => this.changed(),
    });
    this.availability = deps.availability ?? new AvailabilityLedger({ store: deps.store, clock: deps.clock });
    this.signals = new RunSignals({ ...deps, runbooks: this.runbooks });
    this.reads = retryingProviders(deps.cloud, { clock: deps.clock, random: Math.random });
    this.fences = new PendingFences({ config: deps.config, store: deps.store, cloud: this.reads, clock: deps.clock, log: deps.log, ...(deps.placement?.region ? { region: deps.placement.region } : {}) });
    this.leftovers = new FailoverLeftovers({ config: deps.config, store: deps.store, cloud: deps.cloud, clock: deps.clock, log: deps.log, ...(deps.placement?.region ? { region: deps.placement.region } : {}) });
    this.voter = new TrafficVoter({ config: deps.config, store: deps.store, votes: deps.cloud.traffic?.votes, clock: deps.clock, log: deps.log });
    this.notifications = new NotificationOutbox({ clock: deps.clock, log: deps.log, ...(deps.notifier ? { notifier: deps.notifier } : {}) });
    this.world = new WorldWatch({
      config: deps.config,
      store: deps.store,
      cloud: this.reads,
      clock: deps.clock,
      log: deps.log,
      notify: (n) => this.notifications.send(n),
      ...(deps.placement?.region ? { region: deps.placement.region } : {}),
      // A deployed stack's roles do not have provisioning's reads; the operator's local process does.
      provisioningReads: deps.placement?.region === undefined,
      ...(deps.permissions ? { permissions: deps.permissions } : {}),
    });
    this.operator = new OperatorRuns({
      controller: deps,
      runbooks: this.runbooks,
      reads: this.reads,
      preflight: new PreflightGate({ store: deps.store, reads: (cloud) => this.worldReads(cloud) }),
      view: (app) => this.runtime(app),
      refuseWhileRunning: (app) => this.refuseWhileRunning(app),
      refuseElsewhere: (kind, to) => this.launcher.refuseElsewhere(kind, to),
      launch: (request) => this.launch(request),
    });
    this.drills = new DrillConductor({
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      environment: deps.config.provider,
      ...(deps.faults ? { faults: deps.faults } : {}),
      cloud: deps.cloud,
      vantage: deps.config.vantage,
      controls: {
        apps: () => deps.config.applications.map((a) => a.name),
        findApp: (name) => findApp(deps.config, name),
        view: (app) => {
          const runtime = this.runtime(app);
          return { activeRegion: runtime.activeRegion, health: runtime.health };
        },
        failover: (request) => this.failover(request),
        failback: (request) => this.failback(request),
        namedRunbooks: (app) => this.runbooks.namedOf(app).map((b) => b.name),
        runNamed: (request) => this.operator.runNamed(request),
        startsRunsInto: (region) => this.startsRunsInto(region),
        preflight: async ({ app, to }) => void (await this.operator.gate(app, 'failover', to, { reason: 'game day', by: 'drill' })),
        forgetFlapEvidence: (app, region) => {
          const health = this.runtime(app).health;
          if (health[region]) health[region] = withoutFlapEvidence(health[region]);
        },
        availability: (app) => this.availability.report(app, findApp(deps.config, app).policy.availabilityTargetPercent),
      },
    });
  }

  /** The configuration this controller serves. */
  get config(): Config {
    return this.deps.config;
  }

  /** The cloud this controller acts on (the API reads DNS answers through it). */
  get cloud(): CloudProviders {
    return this.deps.cloud;
  }

  /**
   * Moves on whenever what `status()` shows may have changed through this
   * process: a round judged, a run created or its progress saved, a run's
   * outcome taken up, the state reloaded. A view of the status built at one
   * version is current until it moves (changes made by other processes, such
   * as a Lambda worker's, reach the store only: a view must also age out).
   */
  get version(): number {
    return this.changes;
  }

  private changed(): void {
    this.changes += 1;
  }

  /** The controller's clock time: what windows over the stored history end at (simulated time in tests). */
  now(): number {
    return this.deps.clock.now();
  }

  /** Load what the store remembers, or learn the active region from DNS on first start. */
  async init(): Promise<void> {
    const now = this.deps.clock.now();
    for (const app of this.deps.config.applications) {
      const saved = await this.deps.store.getAppState(app.name);
      // DNS is where traffic goes: it wins over what the store remembers (an operator may have changed it by hand).
      const fromDns = await this.activeFromDns(app).catch((err: unknown) => {
        this.deps.log.warn({ app: app.name, err: String(err) }, 'cannot read DNS at start; using the stored active region');
        return undefined;
      });
      const activeRegion = fromDns ?? saved?.activeRegion ?? app.regions[0]!.name;
      const runtime: AppRuntime = {
        app,
        activeRegion,
        activeSetAt: now,
        nextDueAt: now,
        health: Object.fromEntries(await Promise.all(app.regions.map(async (r) => [r.name, await storedHealth(this.deps.store, app, r.name, this.deps.config.vantage, now)] as const))),
      };
      if (saved?.lastFailoverAt !== undefined) runtime.lastFailoverAt = saved.lastFailoverAt;
      // A new process (or Lambda invocation) books its first round from this vantage point's last stored one, not from nothing.
      const last = runtime.health[activeRegion];
      if (last?.lastObservationAt !== undefined) runtime.lastRound = { at: last.lastObservationAt, activeRegion, outcome: last.consecutiveFailures > 0 ? 'down' : 'up' };
      this.apps.set(app.name, runtime);
      if (saved?.activeRegion !== activeRegion) await this.deps.store.putAppState({ ...saved, app: app.name, activeRegion, updatedAt: now });
    }
    this.changed();
  }

  /**
   * Continue every run the store still has as `running` (a previous process
   * died, or a Lambda invocation paused it) from its journal. Returns the ids
   * of the runs taken up here.
   */
  async resumeRuns(options: ExecuteOptions = {}): Promise<string[]> {
    const resumed: string[] = [];
    for (const runtime of this.apps.values()) {
      for (const run of await this.deps.store.listRuns({ app: runtime.app.name, limit: 5 })) {
        // One run that cannot be resumed must not keep the others (or the start) from going on.
        const taken = run.status === 'running' && (await this.launcher.resume(run, runtime.app, options).catch((err: unknown) => {
          this.deps.log.error({ runId: run.id, app: run.app, err: String(err) }, 'run not resumed');
          return false;
        }));
        if (taken) resumed.push(run.id);
      }
    }
    if (resumed.length > 0) this.deps.log.info({ runs: resumed }, 'resuming runs from their journals');
    return resumed;
  }

  /**
   * What failovers leave to finish once their old region answers: the network
   * fences left pending, and Aurora's lost-writes snapshots to keep (the
   * Lambda worker, every invocation; the loop does it every tick).
   */
  async finishLeftovers(): Promise<void> {
    // Never a reason to stop the loop or fail the worker: logged, and tried again next time.
    await this.fences.retry().catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'pending fences not retried'));
    await this.leftovers.keep().catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'failover leftovers not seen to'));
  }

  /** Wait for a run executing in this process (for the Lambda worker and tests). */
  async waitForRun(runId: string): Promise<RunRecord | undefined> {
    return this.launcher.execution(runId);
  }

  /** Operator: answer an approval gate of a running run (see RunSignals.answer). */
  answerApproval(request: ApprovalAnswer): Promise<RunRecord> {
    return this.signals.answer(request);
  }

  /**
   * Operator: stop a run at its next step boundary; with `rollback`, undo
   * what it did where steps can. A run no worker is executing (its process
   * died) is taken up here at once, so that the cancel ends it rather than
   * waiting for a worker that may never come.
   */
  async cancelRun(request: CancelRequest): Promise<RunRecord> {
    const run = await this.signals.cancel(request);
    const runtime = this.apps.get(run.app);
    if (runtime) this.takeUpOrphan(runtime, run, { now: true });
    return run;
  }

  /**
   * Resume a `running` run that nobody executes (a crash, a resume that
   * failed on a store error): in a process that executes its own runs, at
   * most every RESUME_RETRY_MS, so that one failed resume at start does not
   * leave the run stuck. The lease decides: a live worker elsewhere keeps it.
   */
  private takeUpOrphan(runtime: AppRuntime, run: RunRecord, options: { now?: boolean } = {}): void {
    if (this.deps.placement?.handoff || this.launcher.execution(run.id)) return;
    const now = this.deps.clock.now();
    const last = this.resumeTriedAt.get(run.id);
    if (!options.now && last !== undefined && now - last < RESUME_RETRY_MS) return;
    this.resumeTriedAt.set(run.id, now);
    this.launcher.resume(run, runtime.app).then(
      (taken) => taken && this.deps.log.info({ runId: run.id, app: run.app }, 'resumed a run no worker was executing'),
      (err: unknown) => this.deps.log.warn({ runId: run.id, app: run.app, err: String(err) }, `run not resumed; trying again within ${RESUME_RETRY_MS / 1000} s`),
    );
  }

  /** Run the loop until `stop()`: a tick whenever an application's probe interval is due. */
  start(): void {
    if (this.loop) return;
    const stop = new AbortController();
    const done = (async () => {
      while (!stop.signal.aborted) {
        try {
          await this.tick();
        } catch (err) {
          this.deps.log.error({ err }, 'controller tick failed');
        }
        const wait = Math.max(0, Math.min(...[...this.apps.values()].map((a) => a.nextDueAt)) - this.deps.clock.now());
        await this.deps.clock.sleep(wait, stop.signal).catch(() => undefined);
      }
    })();
    this.loop = { stop, done };
  }

  /**
   * Stop the loop. Runs in progress are not waited for: a shutdown must not
   * hang on a promotion that takes minutes (resuming them from the journal
   * is the durable engine's job); they are named in the log.
   */
  async stop(): Promise<void> {
    if (this.loop) {
      this.loop.stop.abort();
      await this.loop.done;
      this.loop = undefined;
    }
    const running = this.launcher.running();
    if (running.length > 0) this.deps.log.warn({ runs: running }, 'stopping with runs in progress');
    // Each has a deadline: a Lambda invocation that ended now would freeze them half sent.
    await this.notifications.drain();
  }

  /**
   * Wait for the vote in flight (a Lambda invocation about to end must not
   * freeze one half sent); bounded by the CloudWatch client's deadline.
   */
  async drainVotes(): Promise<void> {
    await this.voter.drain();
  }

  /**
   * Provision the data-plane switches (all apps with one, or `app`), or with
   * `apply` false, say what that would do. Needs Route 53's control plane:
   * run it while it is healthy, never during a failover.
   */
  async provisionTraffic(request: { app?: string; apply: boolean }): Promise<ProvisionPlan[]> {
    const apps = this.deps.config.applications.filter((a) => (request.app === undefined ? a.traffic.mode !== 'records' : a.name === request.app));
    if (request.app !== undefined && apps.length === 0) throw new UserInputError(`app: unknown application "${request.app}"`);
    const deps = { dns: this.deps.cloud.dns, traffic: this.deps.cloud.traffic, store: this.deps.store, now: () => this.deps.clock.now() };
    const plans: ProvisionPlan[] = [];
    for (const app of apps) plans.push(await provision(app, deps, request.apply));
    return plans;
  }

  /** Wait until every run started so far has ended (for tests and shutdown). */
  async settled(): Promise<void> {
    await this.launcher.settled();
    await this.world.settled();
  }

  /** One round for every application whose interval is due: probe, judge, decide, maybe act. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const due = [...this.apps.values()].filter((a) => a.nextDueAt <= now);
    this.voter.maybeVote();
    if (due.length === 0) return;
    const dueAt = Math.min(...due.map((a) => a.nextDueAt));
    try {
      await this.round(due, now);
      // Completed rounds only: the dead man's switch must page for a controller whose rounds all fail (store gone, role broken).
      this.metrics.round({ dueAt, startedAt: now, endedAt: this.deps.clock.now() });
    } catch (err) {
      this.metrics.roundFailed();
      throw err;
    } finally {
      // Even a round that failed half way may have moved health or decisions on.
      this.changed();
    }
  }

  private async round(due: AppRuntime[], now: number): Promise<void> {
    const targets: { app: AppRuntime; region: string; target: ProbeTarget }[] = due.flatMap((app) =>
      app.app.regions.flatMap((region) => region.probes.map((target) => ({ app, region: region.name, target }))),
    );
    const witness = this.deps.config.witness;
    const all = await this.deps.prober.round([...targets.map((t) => t.target), ...witness]);
    const results = all.slice(0, targets.length);
    this.metrics.probes(targets.map((t, i) => ({ app: t.app.app.name, region: t.region, result: results[i]! })));
    // Cut off: nothing answers, not the applications and not the witness outside them.
    const observerCutOff = witness.length > 0 && all.every((r) => !r.ok);
    const byRegion = new Map<string, ProbeResult[]>();
    results.forEach((result, i) => {
      const key = `${targets[i]!.app.app.name}/${targets[i]!.region}`;
      byRegion.set(key, [...(byRegion.get(key) ?? []), result]);
    });
    const records: ObservationRecord[] = [];
    for (const app of due) {
      const { fallThreshold: fall, riseThreshold: rise, probeIntervalSeconds } = app.app.policy;
      for (const region of app.app.regions) {
        const mine = byRegion.get(`${app.app.name}/${region.name}`) ?? [];
        app.health[region.name] = observe(app.health[region.name]!, { region: region.name, at: now, results: mine }, { fall, rise });
        records.push({
          app: app.app.name,
          region: region.name,
          vantage: this.deps.config.vantage,
          at: now,
          ok: mine.length > 0 && mine.every((r) => r.ok),
          probes: mine.map(storedProbe),
        });
      }
      app.nextDueAt = now + probeIntervalSeconds * 1000;
    }
    if (witness.length > 0) {
      const rounds = all.slice(targets.length);
      records.push({ app: WITNESS, region: WITNESS, vantage: this.deps.config.vantage, at: now, ok: rounds.some((r) => r.ok), probes: rounds.map(storedProbe) });
    }
    // Recorded before deciding: the history behind every decision is in the store, and other vantage points read it for the quorum.
    await this.deps.store.putObservations(records);
    for (const app of due) {
      await this.evaluate(app, observerCutOff);
      // After evaluating: a run that ended elsewhere has been taken up, so the round is booked against where DNS points.
      await this.recordAvailability(app, now, observerCutOff, records);
    }
    // In the background, each within a deadline: where DNS sends traffic and who writes, for the next round to follow.
    // Not in the probe function (handoff): its role reads no database; the runbook worker watches on AWS.
    if (!this.deps.placement?.handoff) for (const app of due) this.world.watch(await this.watched(app));
    // After deciding: a drill sees this round's judgement and any run it started.
    await this.drills.advance();
    // In the background: a lost region's calls must not slow the round. Only where runs execute (the probe function may not touch EC2).
    if (!this.deps.placement?.handoff) void this.finishLeftovers();
  }

  /** Book the round in the availability ledger. A failed write costs accounting, never a decision: it is logged. */
  private async recordAvailability(app: AppRuntime, at: number, observerCutOff: boolean, records: ObservationRecord[]): Promise<void> {
    const active = records.find((r) => r.app === app.app.name && r.region === app.activeRegion);
    const round: LedgerRound = { at, activeRegion: app.activeRegion, outcome: observerCutOff || !active ? 'unmeasured' : active.ok ? 'up' : 'down' };
    const previous = app.lastRound;
    app.lastRound = round;
    await this.availability.record(previous, round, { app: app.app.name, vantage: this.deps.config.vantage, intervalMs: app.app.policy.probeIntervalSeconds * 1000 }).catch((err: unknown) => {
      this.deps.log.warn({ app: app.app.name, err: String(err) }, 'availability ledger not updated');
    });
  }

  private async evaluate(app: AppRuntime, observerCutOff: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const runs = await this.deps.store.listRuns({ app: app.app.name, limit: 20 });
    const current = runs[0]?.status === 'running' ? runs[0] : undefined;
    if (current) this.takeUpOrphan(app, current);
    this.followDns(app);
    if (runs[0] && !current && runs[0].id !== app.lastSeenRunId) {
      // A run this process did not follow (another worker, the API's stack) has ended: take up what it left before deciding.
      const outcome = await takeUpOutcome(runs[0], { state: () => this.deps.store.getAppState(app.app.name), dns: () => this.activeFromDns(app.app) });
      if (!outcome) {
        this.deps.log.warn({ app: app.app.name, runId: runs[0].id }, 'where the run that just ended left traffic is not known yet (DNS unreadable): holding this round');
        return;
      }
      app.activeRegion = outcome.activeRegion;
      app.activeSetAt = now;
      app.lastFailoverAt = latest(app.lastFailoverAt, outcome.lastFailoverAt);
      app.lastSeenRunId = runs[0].id;
    }
    const lastFailoverAt = latest(app.lastFailoverAt, lastFailoverFromRuns(runs));
    const quorum = app.app.policy.quorum > 1 ? await vantageVotes(this.deps.store, app.app, now) : undefined;
    const proposed = decide(
      {
        app: app.app.name,
        policy: app.app.policy,
        regions: app.app.regions.map((r) => r.name),
        activeRegion: app.activeRegion,
        health: app.health,
        observerCutOff,
        // A game day's runs do not count toward the cap (nor, in lastFailoverFromRuns, start the cooldown).
        automaticFailoversLast24h: automaticFailoverTimes(runs),
        ...(current ? { runInProgress: { id: current.id, kind: current.kind } } : {}),
        ...(lastFailoverAt !== undefined ? { lastFailoverAt } : {}),
        ...expectedRecovery(runs),
        ...(quorum ? { quorum } : {}),
      },
      now,
    );
    // A failover whose evidence is a drill's healed outage is held: a drill an operator aborted must not move traffic.
    const decision = await this.drills.screen(proposed, app.health);
    app.lastDecision = decision;
    const inputs: DecisionInputs = {
      activeRegion: app.activeRegion,
      observerCutOff,
      ...(current ? { runInProgress: current.id } : {}),
      regions: app.app.regions.map((r) => {
        const h = app.health[r.name]!;
        const votes = quorum?.[r.name];
        return {
          name: r.name,
          state: h.state,
          consecutiveFailures: h.consecutiveFailures,
          consecutiveSuccesses: h.consecutiveSuccesses,
          ...(h.lastObservationAt !== undefined ? { lastObservationAt: h.lastObservationAt } : {}),
          ...(votes ? { votesDown: votes.down, votesCounted: votes.counted } : {}),
        };
      }),
    };
    // A decision held on (same action, target and region states) updates its entry in place, its count one round
    // more: a steady outage is one entry, not one per round pushing the real change of mind out of sight.
    const held = { maxGapMs: maxHeldGapMs(app.app.policy.probeIntervalSeconds) };
    const { entry, changed } = nextDecisionEntry(await this.lastRecordedDecision(app.app.name), decision, inputs, held);
    await this.deps.store.putDecision(entry);
    this.recordedDecisions.set(app.app.name, entry);
    this.metrics.decision(decision);
    // Notified and logged on a change of mind only: a held decision was announced when it was taken.
    if (changed) {
      this.deps.log.info({ app: decision.app, action: decision.action }, decision.reason);
      // Sent in the background with a deadline: nobody hearing of it yet must not delay the run below.
      // A run into another stack's region is that stack's to start, and to announce: one page per outage, not one per stack.
      const elsewhere = decision.action !== 'hold' && !this.startsRunsInto(decision.to);
      if ((decision.action !== 'hold' || decision.attention) && !elsewhere) {
        this.notifications.send({ app: decision.app, severity: decision.action === 'hold' ? 'page' : 'act', decision });
      }
    }
    if ((decision.action === 'failover' || decision.action === 'failback') && this.startsRunsInto(decision.to)) {
      const request = { app: app.app, kind: decision.action, from: decision.from, to: decision.to, trigger: 'automatic' as const, reason: decision.reason };
      // A failover on the injected outage of a game day that is detecting it is the drill's run: it must not disarm the failover of a real outage after it.
      const drillId = decision.action === 'failover' ? await this.drills.detectingDrillOf(app.app.name, decision.from) : undefined;
      const launched = await this.launch(decision.action === 'failover' ? { ...request, outageStartedAt: decision.outageStartedAt, ...(drillId !== undefined ? { drillId } : {}) } : request).catch(
        (err: unknown) => void this.deps.log.warn({ app: app.app.name, err: String(err) }, `automatic ${decision.action} not started`),
      );
      // Detection is measured once per outage, by the controller that starts its failover: not again for a retry after a failed run.
      if (launched && decision.action === 'failover' && !runs.some((r) => r.kind === 'failover' && r.outageStartedAt === decision.outageStartedAt)) {
        this.metrics.detected(decision);
      }
    }
  }

  /** Whether this controller starts runs into `region` (every region, unless its stack is pinned to one). */
  private startsRunsInto(region: string): boolean {
    return this.deps.placement?.region === undefined || this.deps.placement.region === region;
  }

  /** Operator: fail over `app` to region `to` now (operator-runs.ts). */
  failover(request: FailoverRequest): Promise<RunRecord> {
    return this.operator.failover(request);
  }

  /** Operator: return `app` to its primary region (operator-runs.ts). */
  failback(request: FailbackRequest): Promise<RunRecord> {
    return this.operator.failback(request);
  }

  /** Operator: run one of an application's named runbooks (see OperatorRuns.runNamed). */
  runNamed(request: NamedRunRequest): Promise<RunRecord> {
    return this.operator.runNamed(request);
  }

  private worldReads(cloud: CloudProviders): WorldReadDeps {
    const stack = this.deps.placement?.region !== undefined;
    return { config: this.deps.config, cloud, store: this.deps.store, clock: this.deps.clock, provisioningReads: !stack, expectStacks: stack };
  }

  /** What the world watch needs of an app now. */
  private async watched(app: AppRuntime): Promise<Parameters<WorldWatch['watch']>[0]> {
    return { app: app.app, activeRegion: app.activeRegion, health: app.health, runInProgress: (await this.currentRun(app.app.name)) !== undefined, dns: () => this.activeFromDns(app.app) };
  }

  /**
   * The active region follows DNS within a round of its change, not when
   * the run that changed it ends: the last DNS sighting (read after the
   * active region was last set) wins, and the availability ledger books
   * this round against it.
   */
  private followDns(app: AppRuntime): void {
    const seen = this.world.sighting(app.app.name);
    if (!seen || seen.readAt < app.activeSetAt || seen.region === app.activeRegion) return;
    this.deps.log.info({ app: app.app.name, from: app.activeRegion, to: seen.region }, 'DNS sends traffic elsewhere: the active region follows it');
    app.activeRegion = seen.region;
    app.activeSetAt = seen.readAt;
    this.changed();
    const state = { app: app.app.name, activeRegion: seen.region, updatedAt: this.deps.clock.now(), ...(app.lastFailoverAt !== undefined ? { lastFailoverAt: app.lastFailoverAt } : {}) };
    void this.deps.store.putAppState(state).catch((err: unknown) => this.deps.log.warn({ app: app.app.name, err: String(err) }, 'active region not stored'));
  }

  /**
   * Watch every application's world now and wait for it (the runbook
   * worker, every invocation; tests): drift, and readiness when due or
   * `readiness` is set. Notifications it raises are sent before it returns.
   */
  async watchWorld(options: { readiness?: boolean } = {}): Promise<void> {
    await this.world.settled();
    for (const runtime of this.apps.values()) {
      await this.watched(runtime)
        .then((view) => this.world.evaluate(view, options))
        .catch((err: unknown) => this.deps.log.warn({ app: runtime.app.name, err: String(err) }, 'world not watched'));
    }
    await this.notifications.drain();
  }

  /** Readiness and drift of every application (or `app`), merged over every vantage point's stored report. */
  async readiness(app?: string): Promise<AppReadiness[]> {
    const apps = app === undefined ? this.deps.config.applications : [findApp(this.deps.config, app)];
    return Promise.all(
      apps.map(async (a) => {
        const merged = mergeReports(await this.deps.store.listWorldReports(a.name));
        return { app: a.name, activeRegion: this.runtime(a.name).activeRegion, ...merged };
      }),
    );
  }

  /** A dry run of a failover (to `to`, default the first standby) or a failback. Changes nothing. */
  plan(request: { app?: string; kind: RunKind; to?: string; runbook?: string }): Promise<RunPlan> {
    return this.operator.plan(request);
  }

  /** Everything /status shows. */
  async status(): Promise<ControllerStatus> {
    const applications: AppStatus[] = [];
    const drills = await this.drills.running();
    for (const runtime of this.apps.values()) {
      const [last] = await this.deps.store.listRuns({ app: runtime.app.name, limit: 1 });
      const status: AppStatus = {
        name: runtime.app.name,
        primaryRegion: runtime.app.regions[0]!.name,
        activeRegion: runtime.activeRegion,
        regions: runtime.app.regions.map((r, preference) => regionStatus(r.name, preference, runtime.activeRegion, runtime.health[r.name]!, runtime.app.policy.fallThreshold)),
        attention: [],
      };
      const d = runtime.lastDecision;
      if (d) status.decision = { action: d.action, reason: d.reason, at: d.at, ...(d.action === 'hold' ? { attention: d.attention } : {}) };
      if (last?.status === 'running') status.currentRun = last;
      else if (last) status.lastRun = last;
      const availability = await this.availability.report(runtime.app.name, runtime.app.policy.availabilityTargetPercent).catch((err: unknown) => {
        this.deps.log.warn({ app: runtime.app.name, err: String(err) }, 'availability not read');
        return undefined;
      });
      if (availability) status.availability = availability;
      const readiness = await this.readiness(runtime.app.name).then(([r]) => r).catch(() => undefined);
      if (readiness && readiness.readinessAt !== undefined) status.readiness = readiness;
      status.attention = appAttention({
        app: runtime.app.name,
        primaryRegion: status.primaryRegion,
        activeRegion: runtime.activeRegion,
        health: runtime.health,
        ...(runtime.lastDecision ? { decision: runtime.lastDecision } : {}),
        ...(status.currentRun ? { currentRun: status.currentRun } : {}),
        ...(status.lastRun ? { lastRun: status.lastRun } : {}),
        ...(status.readiness ? { readiness: status.readiness } : {}),
        drills: drills.filter((d) => d.app === runtime.app.name).map((d) => drillAttentionItem(d, this.deps.clock.now())),
      });
      applications.push(status);
    }
    return { provider: this.deps.config.provider, vantage: this.deps.config.vantage, now: this.deps.clock.now(), applications };
  }

  private async launch(request: Parameters<RunLauncher['launch']>[0]): Promise<RunRecord> {
    return this.launcher.launch(request);
  }

  /** While a run holds the app, "where is it active" is in flux: say which run, rather than judge a stale answer. */
  private async refuseWhileRunning(app: string): Promise<void> {
    const current = await this.currentRun(app);
    if (current) throw new RunInProgressError(app, current.id);
  }

  private async currentRun(app: string): Promise<RunRecord | undefined> {
    const [last] = await this.deps.store.listRuns({ app, limit: 1 });
    return last?.status === 'running' ? last : undefined;
  }

  /** After a run, DNS is the truth about which region is active, whatever the run's outcome. */
  private async afterRun(run: RunRecord, how: { followed: boolean }): Promise<void> {
    const runtime = this.runtime(run.app);
    runtime.lastSeenRunId = run.id;
    // Counted where it was executed: the probe function that handed it off and followed it must not count it twice.
    if (!how.followed) this.metrics.runEnded(run, this.runbookOf(run)?.root, runtime.app.traffic.mode);
    const fromDns = await this.activeFromDns(runtime.app).catch(() => undefined);
    // A named runbook's `to` is where it acted, not necessarily where traffic went: only DNS moves the active region then.
    runtime.activeRegion = fromDns ?? (run.status === 'succeeded' && run.kind !== 'runbook' ? run.to : runtime.activeRegion);
    runtime.activeSetAt = this.deps.clock.now();
    // The cooldown starts with a failover that moved traffic; a failed attempt must not delay the next one.
    // A game day's failover moved traffic on purpose: no cooldown, in this process nor in the state item others read.
    if (run.kind === 'failover' && run.drillId === undefined && runtime.activeRegion === run.to) runtime.lastFailoverAt = run.createdAt;
    // The active region above has moved whether or not the store takes it.
    this.changed();
    await this.deps.store.putAppState({
      app: run.app,
      activeRegion: runtime.activeRegion,
      updatedAt: this.deps.clock.now(),
      ...(runtime.lastFailoverAt !== undefined ? { lastFailoverAt: runtime.lastFailoverAt } : {}),
    });
  }

  /** The runbook a run executed, if the configuration still has it. */
  private runbookOf(run: RunRecord): Runbook | undefined {
    try {
      return this.runbooks.forRun(run);
    } catch {
      return undefined;
    }
  }

  /** What the gauges are read from: each application's health and active region, its readiness and error budget. */
  private async gaugeViews(): Promise<AppGaugeView[]> {
    const readiness = await this.readiness().catch((err: unknown) => {
      this.deps.log.warn({ err: String(err) }, 'metrics: readiness not read');
      return [];
    });
    return Promise.all(
      [...this.apps.values()].map(async (runtime) => {
        const { name, policy } = runtime.app;
        const availability = await this.availability.report(name, policy.availabilityTargetPercent).catch(() => undefined);
        const ready = readiness.find((r) => r.app === name);
        return {
          app: name,
          activeRegion: runtime.activeRegion,
          health: runtime.health,
          ...(ready && ready.readinessAt !== undefined ? { readiness: ready } : {}),
          ...(availability ? { availability } : {}),
        };
      }),
    );
  }

  private async activeFromDns(app: AppConfig): Promise<string | undefined> {
    // A data-plane switch's records never change: where traffic goes is what the authoritative servers answer.
    if (app.traffic.mode !== 'records') return answeredRegion(app, this.deps.store, this.deps.cloud.traffic);
    const { hostedZoneId, recordName } = app.regions[0]!.dns;
    return activeRegionOf(app.regions, await this.deps.cloud.dns.listRecords(hostedZoneId, recordName));
  }

  private runtime(app: string): AppRuntime {
    const runtime = this.apps.get(app);
    if (!runtime) throw new UserInputError(`app: unknown application "${app}"`);
    return runtime;
  }

  /** The decision entry recorded last per application, as stored (first `at`, count): the one a held decision updates. */
  private readonly recordedDecisions = new Map<string, Decision | undefined>();

  /**
   * The entry a round's decision may continue: this process's last one, or
   * on its first round the store's newest (a Lambda invocation, a restart),
   * so that a steady outage stays one entry across processes too. A store
   * that cannot be read costs a new entry, never the round.
   */
  private async lastRecordedDecision(app: string): Promise<Decision | undefined> {
    if (!this.recordedDecisions.has(app)) {
      const [stored] = await this.deps.store.listDecisions({ app, limit: 1 }).catch((err: unknown) => {
        this.deps.log.warn({ app, err: String(err) }, 'last decision not read: this round starts a new entry');
        return [];
      });
      this.recordedDecisions.set(app, stored);
    }
    return this.recordedDecisions.get(app);
  }
}

/** Median duration of past successful failovers, for RTO accounting. */
function expectedRecovery(runs: RunRecord[]): { expectedRecoveryMs?: number } {
  const durations = runs.filter((r) => r.kind === 'failover' && r.status === 'succeeded' && r.finishedAt !== undefined).map((r) => r.finishedAt! - r.createdAt);
  if (durations.length === 0) return {};
  durations.sort((a, b) => a - b);
  return { expectedRecoveryMs: durations[Math.floor(durations.length / 2)]! };
}

/** What a round keeps of a probe result: enough to replay health (attempts included: a shaky pass is flap evidence). */
function storedProbe(r: ProbeResult): ObservationRecord['probes'][number] {
  return { latencyMs: r.latencyMs, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error ? { error: r.error } : {}), ...(r.attempts ? { attempts: r.attempts } : {}) };
}

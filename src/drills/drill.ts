import type { AvailabilityReport } from '../availability/types.js';
import type { RunKind, RunStatus } from '../runbook/run.js';

/** Lifecycle of a game-day drill. */
export type DrillStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

/**
 * Where a running drill stands; each controller tick moves it on when the
 * condition of its stage holds.
 *
 * - `detecting`: the outage is injected; waiting for the controller to judge the
 *   region down and start the failover.
 * - `failing-over`: the failover run is under way.
 * - `running-runbooks`: the failover succeeded; the drill runs the named
 *   runbooks it was asked for (`runbooks`), one after the other, by hand as
 *   an operator would, with the primary still down (see drill-runbooks.ts).
 * - `awaiting-primary`: the injected fault is healed; waiting until the
 *   controller judges the primary healthy again, to fail back.
 * - `failing-back`: the failback run is under way.
 * - `ended`: nothing more to do (see the status).
 */
export type DrillStage = 'detecting' | 'failing-over' | 'running-runbooks' | 'awaiting-primary' | 'failing-back' | 'ended';

/**
 * How the game day began: an outage injected into the simulated world (the
 * whole detection → decision → failover chain is exercised), or, where no
 * fault can be injected (AWS), a manual failover (detection and decision are
 * not exercised).
 */
export type DrillTrigger = 'injected-outage' | 'manual-failover';

/**
 * Who a game day with an injected outage leaves the failover decision to,
 * once the controller has judged the region down. Chosen per drill (the
 * `decision` of POST /drills, `--decision` of `failover drill`):
 *
 * - `controller`: the controller's own policy decides, so the whole chain
 *   (injection, detection, decision, failover) is exercised. Should the
 *   controller hold all the same (cooldown, daily cap, quorum, flapping), the
 *   drill stands in for the paged operator after a grace, and the report
 *   says the decision was not exercised; that wait is not counted as the
 *   decision, nor in the recovery time.
 * - `operator`: the drill fails over by hand as soon as the region is judged
 *   down, rehearsing the paged operator's path; meanwhile the controller's
 *   own failover on the drill's outage is held (see operatorDecisionHold),
 *   or the drill would only ever adopt it.
 *
 * Default: `controller` when the application's policy fails over
 * automatically, `operator` when it does not (such a controller can only
 * hold). `controller` with automatic failover off is refused, and so is
 * either choice where no fault can be injected (the game day begins with a
 * manual failover: nothing is detected, nothing decided). See drill-decider.ts.
 */
export type DrillDecider = 'controller' | 'operator';

/** The moments a game day passes through, each set once, when the drill sees it. */
export interface DrillMilestones {
  /** The outage was injected (or the manual failover requested): the start of the RTO clock. */
  startedAt: number;
  /** The controller first judged the region unhealthy (injected outages only). */
  detectedAt?: number;
  /** The failover run was created. */
  failoverStartedAt?: number;
  /** The failover run ended. */
  failoverEndedAt?: number;
  /** The injected fault was healed. */
  healedAt?: number;
  /** The controller judged the primary healthy again after the heal. */
  primaryHealthyAt?: number;
  /** The failback run was created. */
  failbackStartedAt?: number;
  /** The failback run ended. */
  failbackEndedAt?: number;
}

/** One thing the drill did or saw, in a sentence. */
export interface DrillEvent {
  at: number;
  text: string;
}

/**
 * A game-day drill as stored: durable, advanced by controller ticks (never by
 * a long-lived promise), so that a restarted controller carries it on.
 */
export interface DrillRecord {
  id: string;
  app: string;
  mode: 'game-day';
  /** The region the drill takes down (or fails over from): the primary. */
  from: string;
  /** The standby the application fails over to. */
  to: string;
  trigger: DrillTrigger;
  /** Return to the primary at the end (default true). */
  failback: boolean;
  /** Who the failover decision is left to (injected outages only); absent in drills stored before the choice existed: the default (see DrillDecider). */
  decider?: DrillDecider;
  /** Route 53's control plane was taken down with the primary (healed with it). */
  route53Outage?: 'refuses' | 'hangs';
  status: DrillStatus;
  stage: DrillStage;
  /** Who asked for it (the API caller's name). */
  startedBy: string;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  /** Grows by one with every write; a write based on an older version is refused (see StateStore.putDrill). */
  version: number;
  milestones: DrillMilestones;
  failoverRunId?: string;
  /**
   * Named runbooks of the application to run, in this order, once the
   * failover has succeeded and before the failback (stage `running-runbooks`);
   * absent: none (and in drills stored before they existed).
   */
  runbooks?: string[];
  /** The runs of `runbooks` started so far, in the same order: the i-th is a run of `runbooks[i]`. */
  runbookRuns?: DrillRunbookRun[];
  failbackRunId?: string;
  /** Who decided to fail over: the controller's policy, the drill (standing in for a paged operator, or by hand where nothing can be injected), or an operator of their own accord; and why. */
  decision?: { by: 'controller' | 'drill' | 'operator'; reason: string };
  /** The controller's judgement that the region is down, as recorded with its decision. */
  detection?: { reason: string };
  /** What the drill did and saw, oldest first. */
  events: DrillEvent[];
  error?: string;
  /**
   * Set while the heal of the injected outage keeps failing (cleared once it
   * succeeds): since when, the latest error, and when it had failed for
   * longer than the drill waits before asking for an operator (see
   * DrillBook.heal): from then on a failover held on the drill's evidence pages.
   */
  healFailure?: HealFailure;
  abort?: { by: string; at: number; reason?: string };
  /**
   * Left by a drill that ended with its outage healed and no failover that
   * moved traffic (aborted or given up while its outage was being detected,
   * or after its failover run failed or was cancelled): the controller does
   * not fail over on the failed rounds of `region` up to `healedAt` (see
   * failover-hold.ts).
   */
  failoverHold?: FailoverHold;
  /** The layout the drill left when one of its runs stopped half way, read once that run had ended. */
  endLayout?: DrillLayout;
  /** The report, frozen when the drill ended; frozen again once a run it left in flight has ended (see drill-settle.ts). */
  report?: DrillReport;
}

/** A run of one of the drill's named runbooks (DrillRecord.runbooks). */
export interface DrillRunbookRun {
  /** The named runbook. */
  name: string;
  runId: string;
  /** The run's creation: when the drill started it (or found it started, after a restart). */
  startedAt: number;
  /** When the drill saw it end; absent while it runs. */
  endedAt?: number;
}

/** A heal of the drill's injected outage that keeps failing. */
export interface HealFailure {
  /** The first failed attempt of this streak. */
  since: number;
  /** The latest attempt's error. */
  error: string;
  /** When the heal had failed for too long and the drill asked for an operator (drill.error set, holds page). */
  alarmedAt?: number;
}

/** The evidence a drill's injected outage leaves behind, which must not move traffic once the drill is over. */
export interface FailoverHold {
  /** The region the drill took down (its `from`). */
  region: string;
  /** When the injected outage was healed: failed rounds up to then were the drill's. */
  healedAt: number;
}

/** One region's database as read when the drill ended. `unknown`: it could not be read. */
export interface DrillLayoutDatabase {
  region: string;
  role: 'writer' | 'replica' | 'absent' | 'unknown';
  /** For a replica: the region of the writer it follows. */
  replicaOf?: string;
  status?: string;
}

/** Where the application stood in the real world when the drill ended: its DNS and its databases. */
export interface DrillLayout {
  /** When it was read. */
  at: number;
  /** The region the application's DNS record points at; absent when unread or pointing at none of its regions. */
  dnsRegion?: string;
  databases: DrillLayoutDatabase[];
  /** What could not be read, and why. */
  errors?: string[];
}

/**
 * Set on a report when a run of the drill stopped half way (failed or
 * cancelled) and left something to settle (see needsOperator in
 * drill-attention.ts): the application may be split (DNS on one region, the
 * writer in another, two writers) and only an operator can settle it.
 */
export interface DrillAttention {
  /** One loud sentence: what stopped where, and the layout it left. */
  summary: string;
  /** The run that stopped, and the step it stopped at. */
  run: { id: string; kind: RunKind; status: RunStatus; from: string; to: string; failedStep?: { id: string; title: string; status: string; message?: string } };
  /** The layout read once the run had ended; absent when it could not be read from here. */
  layout?: DrillLayout;
  /** What the operator should do, in order. */
  actions: string[];
}

/** How a phase went. `not-exercised`: the game day could not test it (no fault injected). */
export type DrillPhaseStatus = 'done' | 'skipped' | 'running' | 'pending' | 'failed' | 'not-exercised';

/** Identifiers of the timed phases of a game day. */
export type DrillPhaseId =
  | 'detection'
  | 'decision'
  | 'data-loss-check'
  | 'database-promotion'
  | 'compute-scale-up'
  | 'dns-insync'
  | 'application-answering'
  | 'primary-recovery'
  | 'failback-database'
  | 'failback-compute-scale-up'
  | 'failback-dns-insync'
  | 'failback-application-answering'
  | 'standby-restore'
  | 'runbook'
  | 'other';

/** One timed phase of a game day. */
export interface DrillPhase {
  id: DrillPhaseId;
  /** Which half of the drill: the failover (timed against the RTO) or the failback. */
  part: 'failover' | 'failback';
  name: string;
  status: DrillPhaseStatus;
  startedAt?: number;
  finishedAt?: number;
  /** Finished: end − start; running: so far. */
  durationMs?: number;
  /** Start relative to the start of its part (the injection for the failover, the heal for the failback). */
  offsetMs?: number;
  /** durationMs as a share of the RTO target, in percent (one decimal). */
  percentOfRto?: number;
  /** The runbook steps the phase is made of. */
  steps?: string[];
  note?: string;
}

/** The RTO account of a game day: injection (or manual trigger) → the application answers in the new region. */
export interface DrillRto {
  rtoSeconds: number;
  /** Recovery time; absent until the application answers in the new region. Without `excludedMs`. */
  totalMs?: number;
  /** Time since the start while the drill has not recovered yet. Without `excludedMs`. */
  elapsedMs?: number;
  percentOfRto?: number;
  met?: boolean;
  /** Where the RTO clock starts. */
  from: 'injection' | 'manual-trigger';
  /**
   * The phases of the chain this recovery time does not measure, because the
   * controller did not do them (a manual trigger: detection and decision; the
   * drill stood in for the decision: decision). Absent when it measures the
   * whole chain, from the injection to the application answering.
   */
  notMeasured?: ('detection' | 'decision')[];
  /** The drill's wait for a controller that held before it stood in: left out of totalMs and elapsedMs, since it measures no decision. */
  excludedMs?: number;
}

/** The links of the chain a game day rehearses, in order. */
export type DrillChainPhase = 'injection' | 'detection' | 'decision' | 'failover' | 'runbooks' | 'failback';

/**
 * Whether a game day tested a link of the chain.
 * - `exercised`: the real thing happened (the controller detected and decided; a runbook ran);
 * - `stood-in`: the drill (or an operator) did it in the controller's place; `note` says why;
 * - `skipped`: not tested (no fault can be injected here, no failback asked for, the drill ended before it);
 * - `pending`: the drill has not got there yet.
 */
export type DrillCoverageStatus = 'exercised' | 'stood-in' | 'skipped' | 'pending';

/** One link of the chain, and whether this game day exercised it. */
export interface DrillCoverage {
  phase: DrillChainPhase;
  status: DrillCoverageStatus;
  /** Who did it: the controller (its probes, its policy, its runbooks), the drill itself, or an operator. */
  by?: 'controller' | 'drill' | 'operator';
  /** One sentence: what happened, or why it was stood in for or skipped. */
  note: string;
}

/** The data-loss estimate the failover's RPO guard made before promoting. */
export interface DrillRpo {
  rpoSeconds: number;
  /** Seconds of writes that may be lost; absent when unknown. */
  seconds?: number;
  withinRpo?: boolean;
  summary: string;
}

/** A run the drill started or followed. */
export interface DrillRunRef {
  id: string;
  kind: RunKind;
  status: RunStatus;
  trigger: 'automatic' | 'manual';
}

/** The report of a game day: each phase timed against the RTO, the RPO estimate, the verdict. */
export interface DrillReport {
  drillId: string;
  app: string;
  environment: 'sim' | 'aws';
  from: string;
  to: string;
  trigger: DrillTrigger;
  status: DrillStatus;
  startedBy: string;
  startedAt: number;
  finishedAt?: number;
  /** When the report was computed: frozen when the drill ended, and again when a run it left in flight has ended (see drill-settle.ts). */
  generatedAt: number;
  /** One sentence: what happened against the targets. */
  verdict: string;
  /** Alias of rto.rtoSeconds for simple readers. */
  rtoSeconds: number;
  /** Alias of rto.totalMs. */
  totalMs?: number;
  /** Alias of rto.met. */
  rtoMet?: boolean;
  rto: DrillRto;
  rpoEstimate?: DrillRpo;
  /** Which links of the chain (injection, detection, decision, failover, failback) the game day exercised, stood in for or skipped; absent in reports frozen before it existed. */
  coverage?: DrillCoverage[];
  phases: DrillPhase[];
  /** The failback's own duration: from its run's creation to the application answering in the primary again. */
  failback?: { runId?: string; totalMs?: number; note: string };
  runs: DrillRunRef[];
  events: DrillEvent[];
  /** The application's measured availability and error budget when the report was made, when the controller measures it. */
  availability?: AvailabilityReport;
  error?: string;
  /** Present when a run of the drill stopped half way and left something to settle: the application's layout needs an operator. */
  attention?: DrillAttention;
}

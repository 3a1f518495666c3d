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
 * - `awaiting-primary`: the injected fault is healed; waiting until the
 *   controller judges the primary healthy again, to fail back.
 * - `failing-back`: the failback run is under way.
 * - `ended`: nothing more to do (see the status).
 */
export type DrillStage = 'detecting' | 'failing-over' | 'awaiting-primary' | 'failing-back' | 'ended';

/**
 * How the game day began: an outage injected into the simulated world (the
 * whole detection → decision → failover chain is exercised), or, where no
 * fault can be injected (AWS), a manual failover (detection and decision are
 * not exercised).
 */
export type DrillTrigger = 'injected-outage' | 'manual-failover';

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
  failbackRunId?: string;
  /** Who decided to fail over: the controller's policy, the drill (standing in for a paged operator, or by hand where nothing can be injected), or an operator of their own accord; and why. */
  decision?: { by: 'controller' | 'drill' | 'operator'; reason: string };
  /** The controller's judgement that the region is down, as recorded with its decision. */
  detection?: { reason: string };
  /** What the drill did and saw, oldest first. */
  events: DrillEvent[];
  error?: string;
  abort?: { by: string; at: number; reason?: string };
  /** The report, frozen when the drill ended. */
  report?: DrillReport;
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
  /** Recovery time; absent until the application answers in the new region. */
  totalMs?: number;
  /** Time since the start while the drill has not recovered yet. */
  elapsedMs?: number;
  percentOfRto?: number;
  met?: boolean;
  /** Where the RTO clock starts. */
  from: 'injection' | 'manual-trigger';
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
  /** When the report was computed (frozen reports: when the drill ended). */
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
  phases: DrillPhase[];
  /** The failback's own duration: from its run's creation to the application answering in the primary again. */
  failback?: { runId?: string; totalMs?: number; note: string };
  runs: DrillRunRef[];
  events: DrillEvent[];
  /** The application's measured availability and error budget when the report was made, when the controller measures it. */
  availability?: AvailabilityReport;
  error?: string;
}

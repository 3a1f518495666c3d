/** Lifecycle of a run. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Lifecycle of one step within a run. */
/**
 * `skipped`: its check found the goal already true, so nothing was done (shown to people as "already done";
 * the stored value stays, for the journals and runs already stored).
 * `stopped`: interrupted because a parallel sibling failed (or the run was cancelled).
 */
export type StepStatus = 'pending' | 'running' | 'skipped' | 'succeeded' | 'failed' | 'stopped';

/** What kind of runbook a run executes: a failover, a failback, or a named runbook an operator started. */
export type RunKind = 'failover' | 'failback' | 'runbook';

/** Progress of one step, as shown by the API and the status page. */
export interface StepProgress {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: number;
  finishedAt?: number;
  /** Why it was skipped, what it did, or why it failed. */
  message?: string;
  /**
   * What the step's verification last saw while it polls for its goal, as a
   * short sentence ("1/1 probes failing (HTTP 503); wanted: 1/1 probes ok"):
   * saved every few polls, so that a long wait is not silent.
   */
  lastObservation?: { at: number; text: string };
}

/** What a cancel's rollback really did, step by step (journaled as compensation entries). */
export interface RollbackOutcome {
  /** `complete`: everything the run did was undone (or it had done nothing); `partial`: some of it; `failed`: none of it. */
  outcome: 'complete' | 'partial' | 'failed';
  /** Steps undone, in the order they were undone (newest act first). */
  undone: string[];
  /** Steps whose acts stand: their compensation failed, or they cannot be undone, with why. */
  notUndone: { step: string; error: string }[];
}

/** One execution of a runbook for one application. */
export interface RunRecord {
  id: string;
  app: string;
  kind: RunKind;
  runbook: string;
  from: string;
  to: string;
  trigger: 'automatic' | 'manual';
  /**
   * An operator started this run although its pre-flight gate refused it
   * (the target unhealthy or not ready): who, why, and the failing checks
   * the force overrode.
   */
  forced?: { by: string; reason: string; overridden: string[] };
  reason: string;
  /**
   * Who started the run: the authenticated caller of a manual failover or failback; for a run a game day started
   * itself (the stand-in operator's failover, the manual failover where nothing can be injected, the failback),
   * whoever started the game day. Absent for automatic runs, including the controller's failover on a game day's
   * injected outage.
   */
  startedBy?: string;
  status: RunStatus;
  createdAt: number;
  finishedAt?: number;
  /** Start of the outage that led to this run, for RTO accounting. */
  outageStartedAt?: number;
  steps: StepProgress[];
  /** For failed runs: what went wrong, what was done, what was not. */
  error?: string;
  /** Set when a person must check the world before anything else runs (a run whose journal was damaged): what and how. */
  attention?: string;
  /**
   * Answers to the run's approval gates. `by` is the authenticated caller
   * (or `controller` on a timeout); `statedBy` the different name the
   * request's body gave, if any, which is not an identity.
   */
  approvals?: { stepId: string; decision: 'approved' | 'rejected' | 'timed-out'; by: string; statedBy?: string; comment?: string; at: number }[];
  /** Set when an operator asked to cancel: `by` and `statedBy` as for approvals. */
  cancelRequested?: { by: string; statedBy?: string; at: number; rollback: boolean; comment?: string };
  /** Set when a cancelled run was rolled back: what was undone and what was not (a `cancelled` status alone does not say). */
  rollback?: RollbackOutcome;
  /**
   * An operator's explicit break-glass for a routing-control switch: the ARC
   * safety rules its UpdateRoutingControlStates may override. Never set by the controller.
   */
  breakGlass?: { safetyRulesToOverride: string[]; by: string };
  /**
   * The game day this run belongs to: one it started itself (by hand, or its
   * failback), or the controller's automatic failover on its injected outage.
   * A drill's run neither starts the cooldown nor counts toward the daily cap
   * of automatic failovers (see run-outcome.ts): a rehearsal must not disarm
   * the failover of a real outage that follows it.
   */
  drillId?: string;
}

/** One line of a run's journal. Appended, never rewritten; `seq` starts at 1. */
export interface JournalEntry {
  seq: number;
  at: number;
  runId: string;
  type:
    | 'run-started'
    | 'step-started'
    | 'step-skipped'
    | 'step-resumed'
    | 'act-started'
    | 'act-succeeded'
    | 'act-failed'
    | 'attempt-failed'
    | 'step-succeeded'
    | 'step-failed'
    | 'step-stopped'
    | 'run-succeeded'
    | 'run-failed'
    | 'run-paused'
    | 'run-resumed'
    | 'run-cancelled'
    | 'approval-requested'
    | 'approved'
    | 'rejected'
    | 'compensation-started'
    | 'compensation-succeeded'
    | 'compensation-failed';
  stepId?: string;
  /** Free-form, JSON-safe details (an act's result, an error message). */
  detail?: Record<string, unknown>;
}

/** What the policy concluded for one application at one instant. */
export type Decision = FailoverDecision | FailbackDecision | HoldDecision;

interface DecisionBase {
  app: string;
  /** Clock time of the evaluation. */
  at: number;
  /** One sentence a person can read at 3 a.m. */
  reason: string;
  /** What the policy saw, as recorded with the decision. */
  inputs?: DecisionInputs;
  /**
   * As recorded: how many rounds this decision held, the first included. A
   * decision that holds on (same action, target and region states: see
   * src/controller/decision-log.ts) is one entry whose count grows, not one
   * entry per round; `at` stays the first round's, `reason` and `inputs` are
   * the latest round's. Absent on entries recorded before counts existed.
   */
  count?: number;
  /** As recorded: clock time of the latest round this decision held (with `count`). */
  lastAt?: number;
}

/** The evidence behind a recorded decision: the active region and each region's health as judged. */
export interface DecisionInputs {
  activeRegion: string;
  regions: { name: string; state: string; consecutiveFailures: number; consecutiveSuccesses: number; lastObservationAt?: number; votesDown?: number; votesCounted?: number }[];
  runInProgress?: string;
  observerCutOff: boolean;
}

/** RTO accounting of a failover decision. */
export interface RtoAccount {
  outageStartedAt: number;
  detectedAt: number;
  rtoSeconds: number;
  /** Median duration of past failover runs; absent without history. */
  expectedRecoveryMs?: number;
  /** Whether detection plus expected recovery stays within the RTO; absent without history. */
  rtoMet?: boolean;
  summary: string;
}

/** Fail over from the active region to a standby. */
export interface FailoverDecision extends DecisionBase {
  action: 'failover';
  from: string;
  to: string;
  /** First failed round of the outage: the start of the RTO clock. */
  outageStartedAt: number;
  rto: RtoAccount;
}

/** Return to the primary (automatic failback, when configured). */
export interface FailbackDecision extends DecisionBase {
  action: 'failback';
  from: string;
  to: string;
}

/** Do nothing now. `attention` marks holds a human should look at (they page). */
export interface HoldDecision extends DecisionBase {
  action: 'hold';
  attention: boolean;
}

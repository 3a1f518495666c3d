/** What the policy concluded for one application at one instant. */
export type Decision = FailoverDecision | HoldDecision;

interface DecisionBase {
  app: string;
  /** Clock time of the evaluation. */
  at: number;
  /** One sentence a person can read at 3 a.m. */
  reason: string;
}

/** Fail over from the active region to a standby. */
export interface FailoverDecision extends DecisionBase {
  action: 'failover';
  from: string;
  to: string;
  /** First failed round of the outage: the start of the RTO clock. */
  outageStartedAt: number;
}

/** Do nothing now. `attention` marks holds a human should look at. */
export interface HoldDecision extends DecisionBase {
  action: 'hold';
  attention: boolean;
}

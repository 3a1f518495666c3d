/**
 * Availability accounting: what the ledger stores and what /status, the
 * status page and the drill report show.
 */

/** One window of measured availability against the application's target, ending now. */
export interface AvailabilityWindow {
  /** The last 24 hours or the last 30 days, ending at the report's `now`. */
  window: '24h' | '30d';
  /** Time inside the window that some vantage point measured (up or down); unmeasured time is neither. */
  measuredMs: number;
  /** Time inside the window during which the active region failed its probes (vantage points combined). */
  downMs: number;
  /** Up time over measured time, in percent, floored to 4 decimals; null when nothing was measured. */
  availabilityPercent: number | null;
  /** The SLA target (policy.availabilityTargetPercent). */
  targetPercent: number;
  /** The error budget: (100 − target) % of the whole window length. 99.95 % of 30 days is 21.6 minutes. */
  allowedDownMs: number;
  /** allowedDownMs − downMs; negative once the budget is spent. */
  budgetLeftMs: number;
  /** budgetLeftMs as a percentage of allowedDownMs, floored to 2 decimals; negative once spent. */
  budgetLeftPercent: number;
  /** The budget is not exhausted: downMs ≤ allowedDownMs. */
  met: boolean;
}

/** An application's availability, as `applications[i].availability` of GET /status. */
export interface AvailabilityReport {
  targetPercent: number;
  /** `24h` first, then `30d`. */
  windows: AvailabilityWindow[];
}

/** What one vantage point measured in one minute of the ledger. */
export interface LedgerMinute {
  /** Minute of the hour, 0–59. */
  minute: number;
  /** Time attributed to a round outcome (up or down) in this minute. */
  measuredMs: number;
  /** Of `measuredMs`, the time the active region was failing. */
  downMs: number;
}

/**
 * One application's ledger for one hour as one vantage point saw it; also
 * the shape of an increment (the store adds every field to what it holds,
 * atomically, so concurrent writers never lose each other's time).
 */
export interface LedgerBucket {
  app: string;
  vantage: string;
  /** Start of the hour, epoch ms (a multiple of 3 600 000). */
  hourStart: number;
  upMs: number;
  downMs: number;
  /** Gaps between rounds longer than the cap, and rounds where this vantage point was cut off. */
  unmeasuredMs: number;
  /** Only the minutes with measured time, ascending. */
  minutes: LedgerMinute[];
}

/** The outcome of one round for the user: the active region answered (up), did not (down), or nobody can tell. */
export type RoundOutcome = 'up' | 'down' | 'unmeasured';

/** One probe round of one application, as the ledger needs it. */
export interface LedgerRound {
  at: number;
  /** Where DNS pointed during the round. */
  activeRegion: string;
  outcome: RoundOutcome;
}

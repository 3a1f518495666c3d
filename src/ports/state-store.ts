import type { Decision } from '../policy/decision.js';
import type { JournalEntry, RunRecord } from '../runbook/run.js';

/** What the controller remembers about an application between ticks and restarts. */
export interface AppState {
  app: string;
  /** Where DNS points now, as far as the controller knows. */
  activeRegion: string;
  lastFailoverAt?: number;
  updatedAt: number;
}

/** One probe round of one region as seen from one vantage point, as stored. */
export interface ObservationRecord {
  app: string;
  region: string;
  /** The controller that probed: its region when deployed, or `local`, or a witness. */
  vantage: string;
  at: number;
  /** Every probe of the round passed. */
  ok: boolean;
  /** Compact per-probe outcome: HTTP status, latency, error class. */
  probes: { status?: number; latencyMs: number; error?: string }[];
}

/** A held lease. The fencing token grows with every acquisition. */
export interface Lease {
  name: string;
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * An operator's word on a run, stored apart from the run record so that the
 * worker's progress writes can never overwrite it.
 */
export interface RunSignal {
  runId: string;
  at: number;
  type: 'approve' | 'reject' | 'cancel';
  /** The approval gate this answers (approve/reject). */
  stepId?: string;
  by: string;
  comment?: string;
  /** Cancel only: also run the compensations of the steps that succeeded. */
  rollback?: boolean;
}

/** The lease a writer must still hold, with the token it got. */
export interface Fence {
  lease: string;
  token: number;
}

/** The outcome of trying to take a lease. */
export type LeaseResult = { acquired: true; lease: Lease } | { acquired: false; holder: Lease };

/**
 * Durable state: runs, journals, decisions, per-app state and locks. The
 * production implementation is DynamoDB; conditional writes make journal
 * appends and lock acquisition safe between concurrent workers.
 */
export interface StateStore {
  getAppState(app: string): Promise<AppState | undefined>;
  putAppState(state: AppState): Promise<void>;

  putRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(filter: { app?: string; limit: number }): Promise<RunRecord[]>;

  /**
   * Append one entry; throws ConflictError unless `entry.seq` is exactly the
   * next sequence number, and FencedError when `fence` names a lease whose
   * token has moved on (another worker took the run over).
   */
  appendJournal(entry: JournalEntry, fence?: Fence): Promise<void>;
  readJournal(runId: string): Promise<JournalEntry[]>;

  /** Record an operator's approval, rejection or cancel for a run. */
  addRunSignal(signal: RunSignal): Promise<void>;
  /** Signals of a run, oldest first. */
  listRunSignals(runId: string): Promise<RunSignal[]>;

  /** Record probe rounds (kept for a retention period, then expired by the store). */
  putObservations(observations: ObservationRecord[]): Promise<void>;
  /** Rounds of one app's region since `since`, oldest first, from every vantage point unless one is named. */
  listObservations(filter: { app: string; region: string; since: number; vantage?: string }): Promise<ObservationRecord[]>;

  putDecision(decision: Decision): Promise<void>;
  /** Newest first. */
  listDecisions(filter: { app?: string; limit: number }): Promise<Decision[]>;

  /** Take the lease if free, expired or already ours; otherwise say who holds it. */
  acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<LeaseResult>;
  /** Give the lease back; no-op unless `lease` (owner and token) still holds it. */
  releaseLease(lease: Lease): Promise<void>;
}

import type { LedgerBucket } from '../availability/types.js';
import type { IngressRule } from './network-fence.js';
import type { DrillRecord } from '../drills/drill.js';
import type { Decision } from '../policy/decision.js';
import type { JournalEntry, RunRecord } from '../runbook/run.js';
import type { WorldReport } from '../readiness/world-report.js';

/** What the controller remembers about an application between ticks and restarts. */
export interface AppState {
  app: string;
  /** Where DNS points now, as far as the controller knows. */
  activeRegion: string;
  lastFailoverAt?: number;
  updatedAt: number;
}

/**
 * Where a data-plane switch (`traffic.mode` health-checks or routing-control)
 * last sent an application's traffic: the run that moved it, the region it
 * serves from and the regions it took out of DNS. Each controller stack votes
 * from it every round; only a run changes it, so a region the switch has
 * evacuated stays out until a failback puts it back.
 */
export interface TrafficIntent {
  app: string;
  serving: string;
  evacuated: string[];
  runId: string;
  at: number;
}

/** What `failover provision` set up for an application's data-plane switch. */
export interface TrafficSetup {
  app: string;
  mode: 'health-checks' | 'routing-control';
  /** The zone's authoritative name servers (its delegation set), asked directly to verify a switch. */
  nameServers: string[];
  /** Each region's health check id, on that region's record. */
  healthChecks: Record<string, string>;
  provisionedAt: number;
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
  /** Each probe's outcome; `attempts` when the probe sent several requests in the round. */
  probes: { status?: number; latencyMs: number; error?: string; attempts?: { failed: number; of: number } }[];
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
  /** Who gave it: the authenticated caller (a token's name, or an IAM principal ARN), never a name from the request body. */
  by: string;
  /** The name the request body gave, when it differs from `by`: kept for the record, never taken as the identity. */
  statedBy?: string;
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
 * A POST that carried an `Idempotency-Key`: claimed while it runs, then its
 * answer, kept so that a retry gets the same answer instead of a second run.
 */
export interface IdempotencyRecord {
  /** Keys are per caller: two callers may use the same key. */
  caller: string;
  key: string;
  /** SHA-256 of method, route and body: a retry must repeat the same request. */
  fingerprint: string;
  state: 'pending' | 'complete';
  createdAt: number;
  /** Until then (epoch ms) the record stands; after it, the key is free again. A pending claim gets a short one, so a request that died does not hold its key for a day. */
  validUntil: number;
  /** The stored answer, once complete. */
  response?: { statusCode: number; body: string; contentType?: string };
}

/** The outcome of claiming an idempotency key: ours to run, or somebody's record (pending or complete). */
export type IdempotencyClaim = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/** One mutating API call, whatever its outcome. */
export interface AuditRecord {
  /** Unique, and sorts by time. */
  id: string;
  at: number;
  /** The caller's name (token name or IAM ARN), or `anonymous` when it had no valid credentials. */
  caller: string;
  method: string;
  /** The route as declared (`/runs/:id/approve`), or the path when no route matched. */
  route: string;
  params?: Record<string, string>;
  /** A short summary of the body, secrets removed. */
  body?: string;
  statusCode: number;
  /** The run the call started or acted on. */
  runId?: string;
  idempotencyKey?: string;
  /** The answer was a stored one (an idempotent retry). */
  replayed?: boolean;
}

/**
 * A browser's sign-in to the status page. The session id is a random secret
 * that only the browser's cookie holds; the store keeps its SHA-256, so that
 * reading the store (a backup, a table export) gives no way in.
 */
export interface SessionRecord {
  /** SHA-256 (lower-case hex) of the session id. */
  idHash: string;
  /** Who signed in: the token's name. */
  caller: string;
  /** The configured SHA-256 of the token signed in with: the session ends when that token is rotated or removed. */
  tokenSha256: string;
  createdAt: number;
  /** Until then (epoch ms) the session stands; from then on it is refused, whether or not the store has removed it yet. */
  validUntil: number;
}

/**
 * The fencing epoch of an application: which region's application instances
 * may write to the database. The controller moves it on before every
 * promotion (planned or unplanned), and applications that cooperate check
 * it: an instance reads this item from its own region's replica of the state
 * table (`pk = FENCE#<app>`, `sk = EPOCH`) and refuses writes unless
 * `writerRegion` is its region. The epoch only ever grows, so an instance
 * that remembers the highest epoch it saw can ignore a stale read.
 */
export interface WriterEpoch {
  app: string;
  /** 1 for the first, one more for every change; never goes back. */
  epoch: number;
  /** The only region whose instances may write; absent while writes are frozen (a planned handover in progress). */
  writerRegion?: string;
  /** When this epoch began (ms since epoch). */
  since: number;
  /** The run that set it. */
  runId: string;
  /** What set it, in a few words: `failover: eu-west-1 promoted`, `failback: writes frozen`… */
  reason: string;
}

/**
 * The network fence of one region's old writer (an unplanned promotion's
 * fence), kept until it holds: a failover tries it once with a short
 * deadline and never waits for it; while the old region does not answer it
 * stays `pending` and the controller tries again every tick. The revoked
 * rules are kept so that failback can restore them once the stale writer
 * has been set aside.
 */
export interface NetworkFenceRecord {
  app: string;
  /** The region of the fenced database. */
  region: string;
  /** `rds:shop-db-use1 (us-east-1)` */
  database: string;
  /** The run that asked for the fence, and its step that reports it. */
  runId: string;
  stepId?: string;
  /** Where that run moved the writer: its stack retries the fence (it executes runs into that region). */
  writerRegion: string;
  /** `pending`: not in force yet; `fenced`: ingress revoked and connections reset; `lifted`: the revoked rules restored. */
  state: 'pending' | 'fenced' | 'lifted';
  /** The inbound rules revoked so far, to authorize again when the fence is lifted. */
  revoked: IngressRule[];
  /** The connections the revoke left open were ended too (the database rebooted). */
  connectionsReset: boolean;
  attempts: number;
  lastAttemptAt?: number;
  /** Why the last attempt did not finish the fence. */
  lastError?: string;
  createdAt: number;
  updatedAt: number;
  fencedAt?: number;
  liftedAt?: number;
  /** The outcome reached after its run had ended has been written into that run's step. */
  reportedInRun?: boolean;
  /** Conditional saves: one more than the stored version (1 for a new record), else ConflictError. */
  version: number;
}

/** The part of the store the data-plane switch steps use. */
export type TrafficStore = Pick<StateStore, 'getTrafficIntent' | 'putTrafficIntent' | 'getTrafficSetup'>;

/** The part of the store the fence steps use: the fencing epoch and the network fences. */
export type FenceStore = Pick<StateStore, 'getWriterEpoch' | 'advanceWriterEpoch' | 'getNetworkFence' | 'putNetworkFence' | 'listNetworkFences'>;

/**
 * Durable state: runs, journals, decisions, per-app state, locks, the API's
 * idempotency keys, its audit trail, the status page's sessions, and the
 * fences of old writers (the fencing epoch, network fences). The
 * production implementation is DynamoDB; conditional writes make journal
 * appends and lock acquisition safe between concurrent workers.
 */
export interface StateStore {
  getAppState(app: string): Promise<AppState | undefined>;
  putAppState(state: AppState): Promise<void>;

  /** Where the data-plane switch last sent the app's traffic (none: never switched, nothing evacuated). */
  getTrafficIntent(app: string): Promise<TrafficIntent | undefined>;
  putTrafficIntent(intent: TrafficIntent): Promise<void>;
  /** What provisioning set up for the app's data-plane switch. */
  getTrafficSetup(app: string): Promise<TrafficSetup | undefined>;
  putTrafficSetup(setup: TrafficSetup): Promise<void>;

  /** What one vantage point last read of an app's world (readiness and drift); replaces its previous report. */
  putWorldReport(report: WorldReport): Promise<void>;
  /** Every vantage point's latest report of `app`. */
  listWorldReports(app: string): Promise<WorldReport[]>;

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

  /**
   * Add an increment to one hour of an application's availability ledger
   * (the item of that app, hour and vantage point): every number is added
   * atomically, so concurrent writers never lose each other's time.
   */
  addAvailability(increment: LedgerBucket): Promise<void>;
  /** Ledger hours of `app` with `fromHour ≤ hourStart ≤ toHour`, of every vantage point, oldest first. */
  listAvailability(filter: { app: string; fromHour: number; toHour: number }): Promise<LedgerBucket[]>;

  putDecision(decision: Decision): Promise<void>;
  /** Newest first. */
  listDecisions(filter: { app?: string; limit: number }): Promise<Decision[]>;

  /** Take the lease if free, expired or already ours; otherwise say who holds it. */
  acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<LeaseResult>;
  /** Give the lease back; no-op unless `lease` (owner and token) still holds it. */
  releaseLease(lease: Lease): Promise<void>;

  /**
   * Claim an idempotency key for a pending request, atomically: exactly one
   * of concurrent claimers of a free (absent or past `validUntil` at `now`)
   * key wins; the others get the record that stands.
   */
  claimIdempotencyKey(claim: Omit<IdempotencyRecord, 'state' | 'response'>, now: number): Promise<IdempotencyClaim>;
  /** Store the answer of a claimed key, valid until `validUntil`. */
  completeIdempotencyKey(caller: string, key: string, response: NonNullable<IdempotencyRecord['response']>, validUntil: number): Promise<void>;
  /** Free a claimed key whose request failed on our side, so that a retry runs again. */
  releaseIdempotencyKey(caller: string, key: string): Promise<void>;
  /** The record of a key, unless there is none or it is past `validUntil` at `now`. */
  getIdempotencyKey(caller: string, key: string, now: number): Promise<IdempotencyRecord | undefined>;

  /** Store a new sign-in session. */
  putSession(session: SessionRecord): Promise<void>;
  /** The session whose id hashes to `idHash`, unless there is none, it was ended, or it is past `validUntil` at `now`. */
  getSession(idHash: string, now: number): Promise<SessionRecord | undefined>;
  /**
   * End every session of `caller`, wherever it was signed in (sign-out ends
   * it everywhere): none of them is returned by getSession again. Returns
   * how many were still valid at `now`.
   */
  deleteSessions(caller: string, now: number): Promise<number>;

  /** Record a mutating API call. */
  putAudit(record: AuditRecord): Promise<void>;
  /** Newest first. */
  listAudit(filter: { limit: number }): Promise<AuditRecord[]>;

  /**
   * Save a game-day drill, conditionally: `drill.version` must be one more
   * than the stored version (1 for a new drill), else ConflictError. Two
   * writers (two controllers' ticks, an abort) can then never overwrite
   * each other's step; the loser reads again.
   */
  putDrill(drill: DrillRecord): Promise<void>;
  getDrill(id: string): Promise<DrillRecord | undefined>;
  /** Newest first. */
  listDrills(filter: { app?: string; limit: number }): Promise<DrillRecord[]>;

  /** The application's fencing epoch, strongly consistent; undefined before the first promotion. */
  getWriterEpoch(app: string): Promise<WriterEpoch | undefined>;
  /**
   * Move the epoch on, conditionally: `next.epoch` must be exactly one more
   * than the stored epoch (1 when there is none), else ConflictError. Two
   * writers can then never both think they set the writer.
   */
  advanceWriterEpoch(next: WriterEpoch): Promise<void>;
  /** The network fence of one region of an application, strongly consistent. */
  getNetworkFence(app: string, region: string): Promise<NetworkFenceRecord | undefined>;
  /** Save a network fence conditionally: `record.version` one more than the stored version (1 for a new one), else ConflictError. */
  putNetworkFence(record: NetworkFenceRecord): Promise<void>;
  /** Every region's network fence of an application. */
  listNetworkFences(app: string): Promise<NetworkFenceRecord[]>;
}

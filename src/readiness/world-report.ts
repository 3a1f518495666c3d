/** How a check came out: `ok`, `warning` (look today), `failing` (a failover or failback would fail, or the world is wrong). */
export type CheckStatus = 'ok' | 'warning' | 'failing';

/**
 * One readiness check: could a failover into `region` succeed now, as far
 * as this one thing goes? The ids are stable (tests, notifications and the
 * page key on them): database-exists, database-replica, database-lag,
 * compute-group, compute-capacity, compute-launch, traffic-setup,
 * standby-endpoint, permissions, stack-alive.
 */
export interface ReadinessCheck {
  id: string;
  /** The region the check is about: the failover target, or for stack-alive the silent stack's region. */
  region: string;
  status: CheckStatus;
  /** What was found, in one sentence. */
  sentence: string;
  /** What to do about it, when it is not ok. */
  fix?: string;
}

/**
 * A difference between what the controller believes and what it reads:
 * two writers, traffic where the writer is not, capacities off, a stale
 * writer set aside. Ids: two-writers, fenced-writer, traffic-off-writer,
 * dns-unreadable, active-capacity, standby-capacity, standby-max-size,
 * set-aside.
 */
export interface DriftFinding {
  id: string;
  region: string;
  status: Exclude<CheckStatus, 'ok'>;
  sentence: string;
  /** The exact commands that settle it, in order. */
  commands: string[];
}

/**
 * What one controller (one vantage point: a regional stack, or the local
 * process) last read of one application's world. Stored per app and
 * vantage; GET /readiness merges the vantages' reports.
 */
export interface WorldReport {
  app: string;
  vantage: string;
  /** When the readiness checks were last evaluated. */
  readinessAt: number;
  /** The active region they were evaluated for (the targets are the other regions): a move makes them due again. */
  activeRegion?: string;
  /** When the role's permissions were last simulated (on AWS; every 30 minutes, across worker invocations). */
  permissionsAt?: number;
  checks: ReadinessCheck[];
  /** When drift was last evaluated (more often than readiness: it is cheap). */
  driftAt: number;
  drift: DriftFinding[];
  /** The region DNS answered with at driftAt, when it could be read. */
  dnsRegion?: string;
}

/** The worst status among checks (ok when there are none). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  if (statuses.includes('failing')) return 'failing';
  return statuses.includes('warning') ? 'warning' : 'ok';
}

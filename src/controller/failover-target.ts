import type { DatabaseState } from '../ports/database-provider.js';
import type { RunRecord } from '../runbook/run.js';

/** What is known when an operator asks to fail over into `to`. */
export interface FailoverTarget {
  app: string;
  to: string;
  /** Where DNS sends traffic: the region whose database is the current writer. */
  activeRegion: string;
  /** `to`'s database, as read just now. */
  database: DatabaseState;
  /** How the plan and errors name that database, e.g. `rds:shop-db-euw1 (eu-west-1)`. */
  label: string;
  /** The newest run of the application, if any. */
  latestRun?: RunRecord;
}

/**
 * Why a failover into `to` would break the one-writer rule, or undefined
 * when it would not. A failover promotes `to`'s database, so that database
 * must be a replica of the current writer: a replica of another region
 * holds only what that region had, and a writer of its own (the stale
 * writer an earlier failover left behind) would become a second writer with
 * DNS on its old data. The one writer that may be "promoted" again is the
 * one a failover into `to` already promoted before it stopped short of DNS:
 * finishing that failover is how to recover from it. Pure; the caller reads.
 */
export function failoverRefusal(target: FailoverTarget): string | undefined {
  const { to, activeRegion, database, label } = target;
  if (!database.exists) return `${label} does not exist: there is no database to promote in ${to}`;
  if (database.role === 'replica') {
    if (database.replicaOf === activeRegion) return undefined;
    return `${label} replicates ${database.replicaOf ?? 'an unknown source'}, not the current writer in ${activeRegion}: promoting it would lose every write made in ${activeRegion} since, and leave two writers`;
  }
  if (promotedByUnfinishedFailover(target.latestRun, to)) return undefined;
  return (
    `${label} is a writer of its own (the old writer left by an earlier failover?), while the current writer is in ${activeRegion}: ` +
    `failing over to it would point DNS at stale data and leave two writers. ` +
    `To return to ${to}, fail back (POST /failback, \`failover failback\`): it sets that database aside and rebuilds it as a replica of ${activeRegion} first`
  );
}

/** The newest run is a failover into `to` that promoted its database and then stopped (failed or cancelled) before moving traffic. */
function promotedByUnfinishedFailover(run: RunRecord | undefined, to: string): boolean {
  if (!run || run.kind !== 'failover' || run.to !== to || run.status === 'running' || run.status === 'succeeded') return false;
  // Succeeded, not skipped: a skipped promotion found a writer there already, which is the very case refused here.
  return run.steps.some((s) => s.id.startsWith('promote-') && s.status === 'succeeded');
}

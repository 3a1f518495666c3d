import type { DatabaseState } from '../../ports/database-provider.js';

type Status = DatabaseState['status'];

/**
 * DB instance statuses (RDS User Guide, "Viewing Amazon RDS DB instance
 * status") and DB cluster statuses (Aurora User Guide, "Viewing DB cluster
 * status") mapped to the port's five. The port's rule is that `available`
 * is the only state in which the next change may start, so only the states
 * in which RDS accepts one count as available:
 *
 * - `available`; `storage-optimization` ("the DB instance is fully
 *   operational", only storage changes are refused).
 * - `backing-up` → backing-up: the instance serves (a writer takes writes),
 *   but PromoteReadReplica refuses a replica in it ("a read replica cannot be
 *   promoted to a standalone instance when it is in the backing-up status",
 *   RDS API Reference, PromoteReadReplica), and a promoted replica whose
 *   backups were off runs its first backup right after the reboot.
 * - `creating` → creating.
 * - `promoting` (Aurora cluster) and `failing-over` → promoting.
 * - Work in progress that ends by itself → modifying: `modifying`,
 *   `rebooting`, `renaming`, `upgrading`, `maintenance`, `starting`,
 *   `stopping`, `configuring-*`, `converting-to-vpc`, `moving-to-vpc`,
 *   `resetting-master-credentials`, `storage-config-upgrade`,
 *   `storage-initialization`, `backtracking`, `migrating`,
 *   `update-iam-db-auth`.
 * - States that need a person or never end → unavailable: `stopped`,
 *   `failed`, `deleting`, `delete-precheck`, `storage-full`,
 *   `restore-error`, `insufficient-capacity`, `incompatible-*`,
 *   `inaccessible-encryption-credentials*`, `cloning-failed`,
 *   `migration-failed`.
 *
 * A status this list does not know (AWS adds some now and then) counts as
 * modifying: not available, so nothing starts on it, and a step polling it
 * waits until its own deadline rather than failing on a word it has not seen.
 */
const EXACT: Record<string, Status> = {
  available: 'available',
  'storage-optimization': 'available',
  'backing-up': 'backing-up',
  creating: 'creating',
  promoting: 'promoting',
  'failing-over': 'promoting',
  stopped: 'unavailable',
  failed: 'unavailable',
  deleting: 'unavailable',
  'delete-precheck': 'unavailable',
  'storage-full': 'unavailable',
  'restore-error': 'unavailable',
  'insufficient-capacity': 'unavailable',
  'cloning-failed': 'unavailable',
  'migration-failed': 'unavailable',
};

const UNAVAILABLE_PREFIXES = ['incompatible-', 'inaccessible-encryption-credentials'];

/** Map a DBInstanceStatus or a DB cluster's Status to the port's status. */
export function rdsStatus(status: string | undefined): Status {
  const s = (status ?? '').toLowerCase();
  const exact = EXACT[s];
  if (exact) return exact;
  if (UNAVAILABLE_PREFIXES.some((p) => s.startsWith(p))) return 'unavailable';
  return 'modifying';
}

/**
 * An Aurora global cluster's own Status: `available`, `creating`,
 * `modifying`, `deleting`, `upgrading`, and while the writer moves
 * `failing-over` or `switching-over`.
 */
export function globalClusterStatus(status: string | undefined): Status {
  switch ((status ?? '').toLowerCase()) {
    case 'available':
      return 'available';
    case 'creating':
      return 'creating';
    case 'failing-over':
    case 'switching-over':
      return 'promoting';
    case 'deleting':
      return 'unavailable';
    default:
      return 'modifying';
  }
}

import { CopyDBClusterSnapshotCommand, type DBClusterSnapshot, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import type { LostWritesSnapshot } from '../../ports/database-provider.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import { bareIdentifier } from './rds-identifiers.js';

/** The prefix of the snapshot Aurora takes of an old primary's volume before it rebuilds it. */
export const UNPLANNED_FAILOVER_SNAPSHOT_PREFIX = 'rds:unplanned-global-failover-';

/** Where a cluster lives. */
export interface ClusterRef {
  region: string;
  clusterId: string;
}

/**
 * The snapshots that keep the writes an Aurora managed failover lost. After
 * FailoverGlobalCluster, once the old primary's region recovers, "Aurora
 * tries to take a snapshot of the old storage volume at the point of
 * failure … named rds:unplanned-global-failover-name-of-old-primary-DB-
 * cluster-timestamp"; it is "a system snapshot that's subject to the backup
 * retention period configured on the old primary cluster. To preserve this
 * snapshot outside of the retention period, you can copy it to save it as a
 * manual snapshot" (Aurora User Guide, "Using switchover or failover in
 * Amazon Aurora Global Database", managed failovers). Those writes exist
 * nowhere else, so the failback copies the snapshot before anything else.
 */
export class AuroraLostWrites {
  constructor(private readonly clients: CloudClients) {}

  /** DescribeDBClusterSnapshots for the cluster (every page): its unplanned-failover snapshots, each with its manual copy if one exists. */
  async list(ref: ClusterRef): Promise<LostWritesSnapshot[]> {
    const id = bareIdentifier(ref.clusterId);
    const snapshots = await this.snapshots(ref, id);
    const ids = new Set(snapshots.map((s) => s.DBClusterSnapshotIdentifier?.toLowerCase()));
    return snapshots
      .filter((s) => s.DBClusterSnapshotIdentifier?.startsWith(UNPLANNED_FAILOVER_SNAPSHOT_PREFIX))
      .map((s) => {
        const found: LostWritesSnapshot = { id: s.DBClusterSnapshotIdentifier! };
        const copy = preservedName(id, found.id);
        if (ids.has(copy)) found.preservedAs = copy;
        return found;
      });
  }

  /**
   * CopyDBClusterSnapshot to a manual snapshot named after the cluster and
   * the system snapshot's time, in the same region (same KMS key, so none is
   * named), with its tags. The name is fixed by the source, so a repeat is
   * refused as DBClusterSnapshotAlreadyExistsFault and judged by `list`.
   */
  async preserve(ref: ClusterRef, snapshotId: string): Promise<string> {
    const copy = preservedName(bareIdentifier(ref.clusterId), snapshotId);
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(`CopyDBClusterSnapshot ${snapshotId} → ${copy} (${ref.region})`, () =>
      client.send(new CopyDBClusterSnapshotCommand({ SourceDBClusterSnapshotIdentifier: snapshotId, TargetDBClusterSnapshotIdentifier: copy, CopyTags: true })),
    );
    return copy;
  }

  private async snapshots(ref: ClusterRef, id: string): Promise<DBClusterSnapshot[]> {
    const client = this.clients.rds(ref.region);
    const all: DBClusterSnapshot[] = [];
    let marker: string | undefined;
    do {
      const page = await awsLookup(`DescribeDBClusterSnapshots ${id} (${ref.region})`, ['DBClusterNotFoundFault', 'DBClusterSnapshotNotFoundFault'], () =>
        client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: id, ...(marker ? { Marker: marker } : {}) })),
      );
      all.push(...(page?.DBClusterSnapshots ?? []));
      marker = page?.Marker;
    } while (marker);
    return all;
  }
}

/**
 * `<cluster>-lost-writes-<time>`: a manual snapshot identifier (letters,
 * digits, hyphens; a letter first; no double or trailing hyphen; at most
 * 255), the time taken from the system snapshot's name.
 */
export function preservedName(clusterId: string, snapshotId: string): string {
  const prefix = `${UNPLANNED_FAILOVER_SNAPSHOT_PREFIX}${clusterId.toLowerCase()}-`;
  const lower = snapshotId.toLowerCase();
  const time = lower.startsWith(prefix) ? lower.slice(prefix.length) : lower.replace(/^rds:/, '');
  return `${clusterId}-lost-writes-${time}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 255)
    .replace(/-+$/, '');
}

import {
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  type GlobalClusterMember,
  ModifyDBClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { PermanentError } from '../../errors/errors.js';
import type { DatabaseRef, DatabaseState, LagSample } from '../../ports/database-provider.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import { type LagWindow, latestLag } from './replica-lag.js';
import { bareIdentifier, isArn, parseRdsArn, retiredIdentifier, sameIdentifier } from './rds-identifiers.js';
import { globalClusterStatus, rdsStatus } from './rds-status.js';

/** A ref to one regional cluster of an Aurora global database. */
export type AuroraRef = Extract<DatabaseRef, { engine: 'aurora-global' }>;

/** The global cluster as one region sees it, and this ref's place in it. */
interface Membership {
  global: GlobalCluster;
  member: GlobalClusterMember | undefined;
  writer: GlobalClusterMember | undefined;
}

/**
 * The database port for Aurora global databases (RDS API 2014-10-31). A
 * ref names one regional cluster (identifier or ARN) and its global
 * cluster; the writer is the member whose IsWriter is true.
 *
 * - unplanned promotion is FailoverGlobalCluster with AllowDataLoss, sent to
 *   the region of the secondary being promoted (the primary's may be gone);
 * - planned promotion is SwitchoverGlobalCluster, sent to the region of the
 *   current primary, as AWS documents for both;
 * - after a failover Aurora itself adds the old primary back as a secondary
 *   once its region recovers (after a snapshot of the old volume, named
 *   `rds:unplanned-global-failover-<cluster>-<timestamp>`), so there is no
 *   replica to create: see `createReplica`.
 */
export class AuroraGlobalDatabase {
  constructor(
    private readonly clients: CloudClients,
    private readonly window: () => LagWindow,
  ) {}

  /**
   * DescribeGlobalClusters in the ref's region: not a member (or no such
   * global cluster) is `exists: false`. The status combines the global
   * cluster's (failing-over / switching-over are `promoting` for every
   * member) with the member cluster's own Status from DescribeDBClusters.
   */
  async describe(ref: AuroraRef): Promise<DatabaseState> {
    const membership = await this.membership(ref);
    if (!membership?.member) return absent(ref);
    const cluster = await this.findCluster(ref);
    if (!cluster) return absent(ref);
    const { global, member, writer } = membership;
    const state: DatabaseState = { ref, exists: true, role: member.IsWriter ? 'writer' : 'replica', status: memberStatus(global, member, cluster) };
    if (!member.IsWriter && writer?.DBClusterArn) {
      const region = parseRdsArn(writer.DBClusterArn)?.region;
      if (region) state.replicaOf = region;
    }
    return state;
  }

  /** FailoverGlobalCluster (unplanned, AllowDataLoss) or SwitchoverGlobalCluster (planned); both name the target by ARN. */
  async promote(ref: AuroraRef, mode: 'planned' | 'unplanned'): Promise<void> {
    if (mode === 'unplanned') {
      const arn = await this.clusterArn(ref);
      const operation = `FailoverGlobalCluster ${ref.globalClusterId} → ${arn}`;
      const client = this.clients.rds(ref.region, 'change');
      await awsCall(operation, () =>
        client.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: ref.globalClusterId, TargetDbClusterIdentifier: arn, AllowDataLoss: true })),
      );
      return;
    }
    const operation = `SwitchoverGlobalCluster ${ref.globalClusterId} → ${ref.clusterId}`;
    const membership = await this.membership(ref);
    if (!membership) throw new PermanentError(`${operation}: GlobalClusterNotFoundFault: ${ref.globalClusterId} is not visible from ${ref.region}`);
    const { member, writer } = membership;
    if (!member?.DBClusterArn) throw new PermanentError(`${operation}: ${where(ref)} is not a member of global cluster ${ref.globalClusterId}`);
    if (member.IsWriter) throw new PermanentError(`${operation}: ${where(ref)} is already the writer of ${ref.globalClusterId}`);
    const primaryRegion = writer?.DBClusterArn ? parseRdsArn(writer.DBClusterArn)?.region : undefined;
    if (!primaryRegion) throw new PermanentError(`${operation}: global cluster ${ref.globalClusterId} has no writer: a switchover needs one (use an unplanned failover)`);
    const arn = member.DBClusterArn;
    const client = this.clients.rds(primaryRegion, 'change');
    await awsCall(operation, () => client.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: ref.globalClusterId, TargetDbClusterIdentifier: arn })));
  }

  /**
   * Aurora has no "create a replica of that writer" call: a cluster is a
   * secondary by being a member of the global cluster. A member is already
   * what was asked for. Anything else needs a person, and the error says
   * what to do.
   */
  async createReplica(ref: AuroraRef, source: DatabaseRef): Promise<void> {
    if (source.engine !== 'aurora-global' || source.globalClusterId !== ref.globalClusterId) {
      throw new PermanentError(`createReplica ${where(ref)}: the source must be a cluster of the same global database ${ref.globalClusterId}`);
    }
    const membership = await this.membership(ref);
    if (membership?.member) return;
    throw new PermanentError(
      `createReplica ${where(ref)}: the cluster is not a member of global cluster ${ref.globalClusterId}. ` +
        'After FailoverGlobalCluster, Aurora adds the old primary back as a secondary by itself once its region is healthy again ' +
        '(it first snapshots the old volume as rds:unplanned-global-failover-<cluster>-<timestamp>; copy that snapshot to keep the lost writes): wait and retry. ' +
        `If the cluster was removed from the global database (RemoveFromGlobalCluster, or deleted), add a secondary by hand: CreateDBCluster in ${ref.region} ` +
        `with GlobalClusterIdentifier=${ref.globalClusterId} and DBClusterIdentifier=${bareIdentifier(ref.clusterId)}, then CreateDBInstance in it.`,
    );
  }

  /** ModifyDBCluster with NewDBClusterIdentifier and ApplyImmediately (otherwise the rename waits for the maintenance window). */
  async retire(ref: AuroraRef, suffix: string): Promise<string> {
    const id = bareIdentifier(ref.clusterId);
    const newId = retiredIdentifier(id, suffix);
    const client = this.clients.rds(ref.region);
    await awsCall(`ModifyDBCluster ${where(ref)} → ${newId}`, () =>
      client.send(new ModifyDBClusterCommand({ DBClusterIdentifier: id, NewDBClusterIdentifier: newId, ApplyImmediately: true })),
    );
    return newId;
  }

  /**
   * AuroraGlobalDBRPOLag (Aurora PostgreSQL, Aurora MySQL 3.04+/2.12+), else
   * AuroraGlobalDBReplicationLag (older Aurora MySQL): both are published in
   * the secondary's region with the DBClusterIdentifier dimension, in
   * milliseconds. A writer has no lag: its old datapoints from before a
   * promotion must not be read as one.
   */
  async replicaLag(ref: AuroraRef): Promise<LagSample | undefined> {
    const membership = await this.membership(ref);
    if (!membership?.member || membership.member.IsWriter) return undefined;
    const dimension = { name: 'DBClusterIdentifier', value: bareIdentifier(ref.clusterId) };
    return latestLag(
      this.clients.cloudWatch(ref.region),
      `GetMetricData AuroraGlobalDBRPOLag ${where(ref)}`,
      [
        { metricName: 'AuroraGlobalDBRPOLag', dimension, unit: 'milliseconds' },
        { metricName: 'AuroraGlobalDBReplicationLag', dimension, unit: 'milliseconds' },
      ],
      this.window(),
    );
  }

  private async membership(ref: AuroraRef): Promise<Membership | undefined> {
    const client = this.clients.rds(ref.region);
    const out = await awsLookup(`DescribeGlobalClusters ${ref.globalClusterId} (${ref.region})`, ['GlobalClusterNotFoundFault'], () =>
      client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: ref.globalClusterId })),
    );
    const global = out?.GlobalClusters?.find((g) => g.GlobalClusterIdentifier === undefined || sameIdentifier(g.GlobalClusterIdentifier, ref.globalClusterId));
    if (!global) return undefined;
    const members = global.GlobalClusterMembers ?? [];
    return { global, member: members.find((m) => names(m, ref)), writer: members.find((m) => m.IsWriter) };
  }

  private async findCluster(ref: AuroraRef): Promise<DBCluster | undefined> {
    const client = this.clients.rds(ref.region);
    const out = await awsLookup(`DescribeDBClusters ${where(ref)}`, ['DBClusterNotFoundFault'], () =>
      client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ref.clusterId })),
    );
    return out?.DBClusters?.[0];
  }

  /** The target of a failover must be an ARN, so that Aurora can find it in its region. */
  private async clusterArn(ref: AuroraRef): Promise<string> {
    if (isArn(ref.clusterId)) return ref.clusterId;
    const arn = (await this.findCluster(ref))?.DBClusterArn;
    if (!arn) throw new PermanentError(`DescribeDBClusters ${where(ref)}: DBClusterNotFoundFault: no cluster ${ref.clusterId} in ${ref.region}`);
    return arn;
  }
}

function where(ref: AuroraRef): string {
  return `${ref.clusterId} (${ref.region})`;
}

function absent(ref: DatabaseRef): DatabaseState {
  return { ref, exists: false, role: 'replica', status: 'unavailable' };
}

/** Whether a member's DBClusterArn names the ref's cluster: the same ARN, or a cluster of that identifier in the ref's region. */
function names(member: GlobalClusterMember, ref: AuroraRef): boolean {
  const arn = member.DBClusterArn;
  if (!arn) return false;
  if (isArn(ref.clusterId)) return sameIdentifier(arn, ref.clusterId);
  const parsed = parseRdsArn(arn);
  return parsed !== undefined && parsed.resourceType === 'cluster' && parsed.region === ref.region && sameIdentifier(parsed.id, ref.clusterId);
}

/**
 * While the writer moves (global Status failing-over / switching-over, or a
 * FailoverState in progress) every member is `promoting`. Otherwise the
 * member cluster's own status, unless the global cluster is itself busy.
 * A secondary whose SynchronizationStatus is `pending-resync` is not yet a
 * usable copy, so it is not `available` either.
 */
function memberStatus(global: GlobalCluster, member: GlobalClusterMember, cluster: DBCluster): DatabaseState['status'] {
  const overall = globalClusterStatus(global.Status);
  if (overall === 'promoting' || global.FailoverState?.Status) return 'promoting';
  const own = rdsStatus(cluster.Status);
  if (own !== 'available') return own;
  if (overall !== 'available') return overall;
  if (!member.IsWriter && member.SynchronizationStatus === 'pending-resync') return 'modifying';
  return 'available';
}

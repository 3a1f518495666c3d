import {
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  type GlobalClusterMember,
  ModifyDBClusterCommand,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { isTransient, PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { DatabaseRef, DatabaseState, LagSample, LostWritesSnapshot, PromoteOptions, PromotionOutcome } from '../../ports/database-provider.js';
import type { CloudClients } from './cloud-clients.js';
import { AuroraLostWrites, UNPLANNED_FAILOVER_SNAPSHOT_PREFIX } from './aurora-lost-writes.js';
import { awsCall } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import { withDeadline } from './aws-deadline.js';
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

/** What the Aurora adapter needs besides its clients. */
export interface AuroraOptions {
  window: () => LagWindow;
  clock: Clock;
  /** How long the old primary's region may take to answer before it counts as gone. */
  deadlineMs: number;
}

/**
 * The database port for Aurora global databases (RDS API 2014-10-31). A
 * ref names one regional cluster (identifier or ARN) and its global
 * cluster; the writer is the member whose IsWriter is true, or a cluster
 * detached from the global database (a standalone writer).
 *
 * - planned promotion is SwitchoverGlobalCluster, sent to the region of the
 *   current primary; so is an unplanned one while the old primary still
 *   answers (within the deadline) with an available cluster: only the
 *   application tier failed, and a switchover loses nothing. Otherwise
 *   FailoverGlobalCluster with AllowDataLoss, sent to the secondary's region
 *   (managed failover "doesn't wait for data to synchronize"). Both need
 *   the same engine version on both sides; when they differ the only way
 *   is to detach the secondary (RemoveFromGlobalCluster), which an operator
 *   must approve (see `managedPromotionBlocker`);
 * - after a failover Aurora itself adds the old primary back as a secondary
 *   once its region recovers, after a snapshot of the old volume
 *   (see aurora-lost-writes.ts), so there is no replica to create.
 *
 * Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database".
 */
export class AuroraGlobalDatabase {
  private readonly lostWrites: AuroraLostWrites;

  constructor(
    private readonly clients: CloudClients,
    private readonly options: AuroraOptions,
  ) {
    this.lostWrites = new AuroraLostWrites(clients);
  }

  /**
   * DescribeGlobalClusters in the ref's region, and the member cluster's
   * own Status from DescribeDBClusters. A writer member counts by its own
   * cluster: "as soon as the new primary writer is promoted and available,
   * the new primary Region's cluster can handle read and write operations",
   * while the global cluster may stay busy rebuilding the other secondaries
   * for hours. A cluster that is no member but exists was detached: a
   * standalone writer.
   */
  async describe(ref: AuroraRef): Promise<DatabaseState> {
    const membership = await this.membership(ref);
    const cluster = await this.findCluster(ref);
    if (!cluster) return absent(ref);
    if (!membership?.member) return { ref, exists: true, role: 'writer', status: rdsStatus(cluster.Status) };
    const { global, member, writer } = membership;
    if (member.IsWriter) return { ref, exists: true, role: 'writer', status: writerStatus(cluster) };
    const state: DatabaseState = { ref, exists: true, role: 'replica', status: memberStatus(global, member, cluster) };
    const region = writer?.DBClusterArn ? parseRdsArn(writer.DBClusterArn)?.region : undefined;
    if (region) state.replicaOf = region;
    const blocker = engineBlocker(global, cluster, ref);
    if (blocker) state.managedPromotionBlocker = blocker;
    return state;
  }

  /**
   * Planned: SwitchoverGlobalCluster. Unplanned: the same while the old
   * primary answers, else FailoverGlobalCluster with AllowDataLoss; a
   * switchover the old primary refuses (not one already under way) falls
   * back to the failover. `detach`: RemoveFromGlobalCluster, the approved
   * fallback when versions differ. All name the target by ARN.
   */
  async promote(ref: AuroraRef, mode: 'planned' | 'unplanned', options: PromoteOptions = {}): Promise<PromotionOutcome> {
    const target = `${ref.globalClusterId} → ${where(ref)}`;
    const membership = await this.membership(ref);
    const cluster = await this.findCluster(ref);
    if (!cluster?.DBClusterArn) throw new PermanentError(`promote ${target}: DBClusterNotFoundFault: no cluster ${ref.clusterId} in ${ref.region}`);
    if (!membership?.member) throw new PermanentError(`promote ${target}: ${where(ref)} is not a member of global cluster ${ref.globalClusterId}`);
    if (membership.member.IsWriter) throw new PermanentError(`promote ${target}: ${where(ref)} is already the writer of ${ref.globalClusterId}`);
    const arn = cluster.DBClusterArn;
    if (options.detach) {
      const client = this.clients.rds(ref.region, 'change');
      await awsCall(`RemoveFromGlobalCluster ${target}`, () => client.send(new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: ref.globalClusterId, DbClusterIdentifier: arn })));
      return { method: 'detach', note: `${where(ref)} left global database ${ref.globalClusterId} and writes on its own: rebuild the global database from it` };
    }
    const blocker = engineBlocker(membership.global, cluster, ref);
    if (blocker) throw new PermanentError(`promote ${target}: ${blocker}`);
    const primaryArn = membership.writer?.DBClusterArn;
    const primaryRegion = primaryArn ? parseRdsArn(primaryArn)?.region : undefined;
    if (mode === 'planned' || (primaryArn && primaryRegion && (await this.answers(primaryRegion, primaryArn)))) {
      if (!primaryRegion) throw new PermanentError(`SwitchoverGlobalCluster ${target}: global cluster ${ref.globalClusterId} has no writer: a switchover needs one (use an unplanned failover)`);
      try {
        await this.switchover(ref, primaryRegion, arn);
        return { method: 'switchover' };
      } catch (err) {
        if (mode === 'planned' || isTransient(err) || (await this.moving(ref))) throw err;
      }
    }
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(`FailoverGlobalCluster ${target}`, () =>
      client.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: ref.globalClusterId, TargetDbClusterIdentifier: arn, AllowDataLoss: true })),
    );
    const old = primaryArn ? bareIdentifier(primaryArn) : 'the old primary';
    return {
      method: 'failover',
      lostWrites: `writes ${old} had not replicated are kept only in the snapshot ${UNPLANNED_FAILOVER_SNAPSHOT_PREFIX}${old}-<time> that Aurora takes when ${primaryRegion ?? 'its region'} recovers; it expires with ${old}'s backup retention: the failback copies it to a manual snapshot`,
    };
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
        '(it first snapshots the old volume as rds:unplanned-global-failover-<cluster>-<timestamp>; the failback copies that snapshot to keep the lost writes): wait and retry. ' +
        `If the cluster was removed from the global database (RemoveFromGlobalCluster, or deleted), add a secondary by hand: CreateDBCluster in ${ref.region} ` +
        `with GlobalClusterIdentifier=${ref.globalClusterId} and DBClusterIdentifier=${bareIdentifier(ref.clusterId)}, then CreateDBInstance in it.`,
    );
  }

  /** ModifyDBCluster with NewDBClusterIdentifier and ApplyImmediately (otherwise the rename waits for the maintenance window). */
  async retire(ref: AuroraRef, suffix: string): Promise<string> {
    const id = bareIdentifier(ref.clusterId);
    const newId = retiredIdentifier(id, suffix);
    const client = this.clients.rds(ref.region, 'change');
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
      this.options.window(),
    );
  }

  /** The unplanned-failover snapshots of the cluster's old volume (aurora-lost-writes.ts). */
  listLostWrites(ref: AuroraRef): Promise<LostWritesSnapshot[]> {
    return this.lostWrites.list(ref);
  }

  /** Copy one of them to a manual snapshot. */
  preserveLostWrites(ref: AuroraRef, snapshotId: string): Promise<string> {
    return this.lostWrites.preserve(ref, snapshotId);
  }

  /** The old primary's cluster answers DescribeDBClusters in its region within the deadline, and is available. */
  private async answers(region: string, arn: string): Promise<boolean> {
    const client = this.clients.rds(region);
    try {
      const out = await withDeadline(this.options.clock, this.options.deadlineMs, `DescribeDBClusters ${arn}`, (abortSignal) =>
        client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }), { abortSignal }),
      );
      return rdsStatus(out.DBClusters?.[0]?.Status) === 'available';
    } catch {
      // Not answering, or answering with an error, is the region being gone as far as a switchover is concerned.
      return false;
    }
  }

  /** SwitchoverGlobalCluster in the primary's region ("--region region_of_primary"), bounded like every call there. */
  private async switchover(ref: AuroraRef, primaryRegion: string, arn: string): Promise<void> {
    const client = this.clients.rds(primaryRegion, 'change');
    await awsCall(`SwitchoverGlobalCluster ${ref.globalClusterId} → ${where(ref)}`, () =>
      withDeadline(this.options.clock, this.options.deadlineMs, `SwitchoverGlobalCluster ${ref.globalClusterId}`, (abortSignal) =>
        client.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: ref.globalClusterId, TargetDbClusterIdentifier: arn }), { abortSignal }),
      ),
    );
  }

  /** Whether the writer is already moving (a switchover or failover under way): then nothing else may be sent. */
  private async moving(ref: AuroraRef): Promise<boolean> {
    const membership = await this.membership(ref);
    return membership !== undefined && (globalClusterStatus(membership.global.Status) === 'promoting' || membership.global.FailoverState?.Status !== undefined);
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
 * Managed failover and switchover need the same engine version on both
 * sides: "You can perform managed cross-Region failovers with Aurora Global
 * Database only if the primary and secondary DB clusters have the same
 * major and minor engine versions. Depending on the engine and engine
 * versions, the patch levels might need to be identical" (Aurora User
 * Guide). The global cluster's EngineVersion stands for the primary's (it
 * is readable in the secondary's region when the primary's is gone); any
 * difference counts, the conservative reading.
 */
function engineBlocker(global: GlobalCluster, cluster: DBCluster, ref: AuroraRef): string | undefined {
  const primary = global.EngineVersion;
  const own = cluster.EngineVersion;
  if (!primary || !own || primary === own) return undefined;
  return (
    `engine versions differ: global database ${ref.globalClusterId} runs ${primary}, ${where(ref)} runs ${own}; ` +
    'Aurora cannot fail over or switch over between different versions (upgrade first, or detach this cluster and promote it on its own)'
  );
}

/**
 * A writer member: its own cluster's status, once it has a writer instance
 * (a cluster without one, a headless secondary just promoted, takes no writes).
 */
function writerStatus(cluster: DBCluster): DatabaseState['status'] {
  const own = rdsStatus(cluster.Status);
  if (cluster.DBClusterMembers && !cluster.DBClusterMembers.some((m) => m.IsClusterWriter)) return own === 'available' ? 'modifying' : own;
  return own;
}

/**
 * A secondary while the writer moves (global Status failing-over /
 * switching-over, or a FailoverState in progress) is `promoting`.
 * Otherwise its cluster's own status, unless the global cluster is itself
 * busy. A secondary whose SynchronizationStatus is `pending-resync` is not
 * yet a usable copy, so it is not `available` either.
 */
function memberStatus(global: GlobalCluster, member: GlobalClusterMember, cluster: DBCluster): DatabaseState['status'] {
  const overall = globalClusterStatus(global.Status);
  if (overall === 'promoting' || global.FailoverState?.Status) return 'promoting';
  const own = rdsStatus(cluster.Status);
  if (own !== 'available') return own;
  if (overall !== 'available') return overall;
  if (member.SynchronizationStatus === 'pending-resync') return 'modifying';
  return 'available';
}

import {
  CreateDBInstanceReadReplicaCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { DatabaseProvider, DatabaseRef, DatabaseState, LagSample } from '../../ports/database-provider.js';
import { AuroraGlobalDatabase } from './aurora-global.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import { type LagWindow, latestLag } from './replica-lag.js';
import { isArn, parseRdsArn, retiredIdentifier, sameIdentifier } from './rds-identifiers.js';
import { rdsStatus } from './rds-status.js';

/** A ref to one RDS DB instance. */
type InstanceRef = Extract<DatabaseRef, { engine: 'rds' }>;

/** Options of the RDS/Aurora adapter. */
export interface RdsDatabaseOptions {
  clock: Clock;
  /** A lag datapoint older than this is unknown (default 5 minutes). */
  lagMaxAgeMs?: number;
}

/** The lag query looks this far back, one datapoint per minute. */
const LAG_WINDOW_MS = 10 * 60_000;
const LAG_PERIOD_SECONDS = 60;

/**
 * The database port on Amazon RDS (API version 2014-10-31): RDS DB
 * instances with cross-region read replicas, and Aurora global databases
 * (see aurora-global.ts). Every call goes to the region of the ref it is
 * about; mutations start the change and return, and callers poll
 * `describe`. Errors come out as the project's own classes
 * (see aws-errors.ts): DBInstanceNotFound, InvalidDBInstanceState,
 * DBInstanceAlreadyExists and the like are permanent, Throttling transient.
 */
export class RdsDatabase implements DatabaseProvider {
  private readonly aurora: AuroraGlobalDatabase;
  private readonly clock: Clock;
  private readonly lagMaxAgeMs: number;

  constructor(
    private readonly clients: CloudClients,
    options: RdsDatabaseOptions,
  ) {
    this.clock = options.clock;
    this.lagMaxAgeMs = options.lagMaxAgeMs ?? 5 * 60_000;
    this.aurora = new AuroraGlobalDatabase(clients, () => this.lagWindow());
  }

  /**
   * DescribeDBInstances in the ref's region; DBInstanceNotFound is
   * `exists: false`. An instance with ReadReplicaSourceDBInstanceIdentifier
   * is a replica of the region that identifier names (an ARN for a
   * cross-region source, a bare identifier for a same-region one). Right
   * after PromoteReadReplica the instance may still read `available` with
   * its source set, so a promotion only counts as done once the source is
   * gone and the status is available again.
   */
  async describe(ref: DatabaseRef): Promise<DatabaseState> {
    if (ref.engine === 'aurora-global') return this.aurora.describe(ref);
    const instance = await this.findInstance(ref.region, ref.instanceId);
    if (!instance) return { ref, exists: false, role: 'replica', status: 'unavailable' };
    const source = instance.ReadReplicaSourceDBInstanceIdentifier || instance.ReadReplicaSourceDBClusterIdentifier;
    const status = rdsStatus(instance.DBInstanceStatus);
    if (source) return { ref, exists: true, role: 'replica', replicaOf: sourceRegion(source, ref.region), status };
    // StatusInfos carries "read replication" only for a read replica: one left on an instance whose source is gone is still being promoted.
    const replicating = (instance.StatusInfos ?? []).some((s) => s.StatusType === 'read replication');
    return { ref, exists: true, role: 'writer', status: status === 'available' && replicating ? 'promoting' : status };
  }

  /**
   * RDS: PromoteReadReplica for both modes (for `planned` the runbook has
   * already waited for lag zero; RDS has no switchover for instances).
   * Aurora: FailoverGlobalCluster or SwitchoverGlobalCluster.
   */
  async promote(ref: DatabaseRef, mode: 'planned' | 'unplanned'): Promise<void> {
    if (ref.engine === 'aurora-global') return this.aurora.promote(ref, mode);
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(`PromoteReadReplica ${where(ref)}`, () => client.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: ref.instanceId })));
  }

  /**
   * CreateDBInstanceReadReplica, sent to the new replica's region. RDS wants
   * the source as an identifier when it is in the same region and as its
   * ARN when it is not; the ARN comes from DescribeDBInstances in the
   * source's region. For a cross-region source the SDK reads the source
   * region from the ARN and adds the PreSignedUrl (with DestinationRegion)
   * itself: SourceRegion is an SDK-side convenience of other SDKs, never a
   * parameter on the wire.
   */
  async createReplica(ref: DatabaseRef, source: DatabaseRef): Promise<void> {
    if (ref.engine === 'aurora-global') return this.aurora.createReplica(ref, source);
    if (source.engine !== 'rds') throw new PermanentError(`CreateDBInstanceReadReplica ${where(ref)}: the source of an RDS replica must be an RDS instance`);
    const operation = `CreateDBInstanceReadReplica ${where(ref)} from ${where(source)}`;
    let sourceId = source.instanceId;
    if (source.region !== ref.region) {
      const writer = await this.findInstance(source.region, source.instanceId);
      if (!writer) throw new PermanentError(`${operation}: DBInstanceNotFound: no source instance ${source.instanceId} in ${source.region}`);
      if (!writer.DBInstanceArn) throw new PermanentError(`${operation}: DescribeDBInstances returned no DBInstanceArn for ${source.instanceId}`);
      sourceId = writer.DBInstanceArn;
    }
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(operation, () =>
      client.send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: ref.instanceId, SourceDBInstanceIdentifier: sourceId })),
    );
  }

  /**
   * ModifyDBInstance with NewDBInstanceIdentifier and ApplyImmediately
   * (without it the rename waits for the maintenance window). The new name
   * is `<id>-<suffix>`, cut to RDS's 63 characters.
   */
  async retire(ref: DatabaseRef, suffix: string): Promise<string> {
    if (ref.engine === 'aurora-global') return this.aurora.retire(ref, suffix);
    const newId = retiredIdentifier(ref.instanceId, suffix);
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(`ModifyDBInstance ${where(ref)} → ${newId}`, () =>
      client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ref.instanceId, NewDBInstanceIdentifier: newId, ApplyImmediately: true })),
    );
    return newId;
  }

  /**
   * The replica's ReplicaLag (seconds, DBInstanceIdentifier dimension) from
   * CloudWatch in its region. A writer, or a database that is not there,
   * has no lag: the ReplicaLag datapoints it published before a promotion
   * are still in the window and must not be read as current.
   */
  async replicaLag(ref: DatabaseRef): Promise<LagSample | undefined> {
    if (ref.engine === 'aurora-global') return this.aurora.replicaLag(ref);
    const state = await this.describe(ref);
    if (!state.exists || state.role !== 'replica') return undefined;
    return latestLag(
      this.clients.cloudWatch(ref.region),
      `GetMetricData ReplicaLag ${where(ref)}`,
      [{ metricName: 'ReplicaLag', dimension: { name: 'DBInstanceIdentifier', value: ref.instanceId }, unit: 'seconds' }],
      this.lagWindow(),
    );
  }

  private lagWindow(): LagWindow {
    return { now: this.clock.now(), windowMs: LAG_WINDOW_MS, periodSeconds: LAG_PERIOD_SECONDS, maxAgeMs: this.lagMaxAgeMs };
  }

  private async findInstance(region: string, id: string): Promise<DBInstance | undefined> {
    const client = this.clients.rds(region);
    const out = await awsLookup(`DescribeDBInstances ${id} (${region})`, ['DBInstanceNotFound', 'DBInstanceNotFoundFault'], () =>
      client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
    );
    return out?.DBInstances?.find((i) => (isArn(id) ? i.DBInstanceArn !== undefined && sameIdentifier(i.DBInstanceArn, id) : sameIdentifier(i.DBInstanceIdentifier ?? '', id)));
  }
}

function where(ref: InstanceRef): string {
  return `${ref.instanceId} (${ref.region})`;
}

/** The region of a replica's source: from its ARN when cross-region, the replica's own otherwise. */
function sourceRegion(source: string, ownRegion: string): string {
  return (isArn(source) ? parseRdsArn(source)?.region : undefined) || ownRegion;
}

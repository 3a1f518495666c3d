import { AwsQueryError, el, esc, rdsArn, required } from './fake-rds-wire.js';

/** How long the fake's Aurora changes take, in ms of its clock. */
export interface FakeAuroraDelays {
  switchoverMs: number;
  failoverMs: number;
  detachMs: number;
  /** Rebuilding an old primary as a secondary once its region is back. */
  rebuildMs: number;
  copyMs: number;
}

const DEFAULT_DELAYS: FakeAuroraDelays = { switchoverMs: 60_000, failoverMs: 90_000, detachMs: 120_000, rebuildMs: 30 * 60_000, copyMs: 10 * 60_000 };

interface Cluster {
  region: string;
  id: string;
  engineVersion: string;
  globalId?: string;
  /** A change in progress: `modifying` until `until`. */
  busyUntil?: number;
}

interface Global {
  id: string;
  engineVersion: string;
  /** `region|id` of each member and of the writer. */
  members: string[];
  writer: string;
  move?: { kind: 'failover' | 'switchover'; until: number; to: string };
  /** Members rebuilding after a failover, or waiting for their region to come back. */
  resync: Map<string, { waitingForRegion: boolean }>;
}

interface Snapshot {
  region: string;
  id: string;
  clusterId: string;
  type: 'automated' | 'manual';
  createdAt: number;
  availableAt: number;
}

/**
 * Aurora global databases as RDS answers for them, for FakeRds: the
 * DescribeGlobalClusters / DescribeDBClusters view, SwitchoverGlobalCluster
 * (the old primary becomes a secondary), FailoverGlobalCluster with
 * AllowDataLoss (the writer moves at once; the old primary, once its region
 * answers again, is snapshotted as `rds:unplanned-global-failover-<cluster>-<time>`
 * and rebuilt as a secondary: Aurora User Guide, "Using switchover or
 * failover in Amazon Aurora Global Database"), RemoveFromGlobalCluster (a
 * standalone writer), DescribeDBClusterSnapshots and CopyDBClusterSnapshot.
 * While the writer moves, another move is refused with
 * InvalidGlobalClusterStateFault, as a repeated call is on AWS.
 */
export class FakeAurora {
  private readonly clusters: Cluster[] = [];
  private readonly globals: Global[] = [];
  private readonly snapshots: Snapshot[] = [];
  private readonly delays: FakeAuroraDelays;

  constructor(private readonly options: { now: () => number; delays?: Partial<FakeAuroraDelays>; regionUp: (region: string) => boolean }) {
    this.delays = { ...DEFAULT_DELAYS, ...options.delays };
  }

  /** Put a global database in place: the first member writes. */
  addGlobal(id: string, engineVersion: string, members: { region: string; id: string; engineVersion?: string }[]): void {
    for (const m of members) this.clusters.push({ region: m.region, id: m.id, engineVersion: m.engineVersion ?? engineVersion, globalId: id });
    this.globals.push({ id, engineVersion, members: members.map((m) => key(m.region, m.id)), writer: key(members[0]!.region, members[0]!.id), resync: new Map() });
  }

  /** The snapshots the fake holds, for assertions. */
  snapshotIds(region: string): string[] {
    return this.snapshots.filter((s) => s.region === region).map((s) => s.id);
  }

  /** Answer one Aurora action (FakeRds hands over every action it does not know). */
  dispatch(region: string, action: string, params: Record<string, string>): string {
    this.settle();
    switch (action) {
      case 'DescribeGlobalClusters':
        return `<GlobalClusters><GlobalClusterMember>${this.globalXml(this.global(required(params, 'GlobalClusterIdentifier')))}</GlobalClusterMember></GlobalClusters>`;
      case 'DescribeDBClusters':
        return `<DBClusters>${this.clusterXml(this.cluster(region, required(params, 'DBClusterIdentifier')))}</DBClusters>`;
      case 'FailoverGlobalCluster':
      case 'SwitchoverGlobalCluster':
        return `<GlobalCluster>${this.globalXml(this.move(region, action, params))}</GlobalCluster>`;
      case 'RemoveFromGlobalCluster':
        return `<GlobalCluster>${this.globalXml(this.detach(region, params))}</GlobalCluster>`;
      case 'DescribeDBClusterSnapshots': {
        const cluster = this.cluster(region, required(params, 'DBClusterIdentifier'));
        return `<DBClusterSnapshots>${this.snapshots.filter((s) => s.region === region && s.clusterId === cluster.id).map((s) => this.snapshotXml(s)).join('')}</DBClusterSnapshots>`;
      }
      case 'CopyDBClusterSnapshot':
        return this.snapshotXml(this.copy(region, params));
      default:
        throw new AwsQueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private move(region: string, action: string, params: Record<string, string>): Global {
    const global = this.global(required(params, 'GlobalClusterIdentifier'));
    const target = this.cluster(region, required(params, 'TargetDbClusterIdentifier'));
    const failover = action === 'FailoverGlobalCluster';
    if (global.move) throw new AwsQueryError(400, 'InvalidGlobalClusterStateFault', `Global cluster ${global.id} is not in a valid state: a ${global.move.kind} is in progress.`);
    const targetKey = key(target.region, target.id);
    if (!global.members.includes(targetKey)) throw new AwsQueryError(400, 'InvalidParameterValue', `${target.id} is not a member of global cluster ${global.id}.`);
    if (global.writer === targetKey) throw new AwsQueryError(400, 'InvalidParameterValue', `${target.id} is already the primary cluster of ${global.id}.`);
    if (target.engineVersion !== global.engineVersion) {
      throw new AwsQueryError(400, 'InvalidParameterCombination', `The engine version of ${target.id} (${target.engineVersion}) differs from the global cluster's (${global.engineVersion}).`);
    }
    // A switchover goes to the primary's region ("--region region_of_primary"); a failover with AllowDataLoss anywhere that answers.
    if (!failover && global.writer.split('|')[0] !== region) throw new AwsQueryError(400, 'InvalidParameterValue', `SwitchoverGlobalCluster must be sent to the primary cluster's region.`);
    if (failover && params['AllowDataLoss'] !== 'true') throw new AwsQueryError(400, 'InvalidParameterCombination', 'Specify AllowDataLoss to fail over, or use SwitchoverGlobalCluster.');
    global.move = { kind: failover ? 'failover' : 'switchover', until: this.options.now() + (failover ? this.delays.failoverMs : this.delays.switchoverMs), to: targetKey };
    return global;
  }

  private detach(region: string, params: Record<string, string>): Global {
    const global = this.global(required(params, 'GlobalClusterIdentifier'));
    const cluster = this.cluster(region, required(params, 'DbClusterIdentifier'));
    const clusterKey = key(cluster.region, cluster.id);
    if (!global.members.includes(clusterKey)) throw new AwsQueryError(400, 'InvalidParameterValue', `${cluster.id} is not a member of global cluster ${global.id}.`);
    global.members = global.members.filter((m) => m !== clusterKey);
    delete cluster.globalId;
    cluster.busyUntil = this.options.now() + this.delays.detachMs;
    return global;
  }

  private copy(region: string, params: Record<string, string>): Snapshot {
    const sourceId = required(params, 'SourceDBClusterSnapshotIdentifier');
    const targetId = required(params, 'TargetDBClusterSnapshotIdentifier').toLowerCase();
    const source = this.snapshots.find((s) => s.region === region && s.id === sourceId);
    if (!source) throw new AwsQueryError(404, 'DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${sourceId} not found.`);
    if (this.snapshots.some((s) => s.region === region && s.id === targetId)) throw new AwsQueryError(400, 'DBClusterSnapshotAlreadyExistsFault', `Cannot create the cluster snapshot because one with the identifier ${targetId} already exists.`);
    const copy: Snapshot = { region, id: targetId, clusterId: source.clusterId, type: 'manual', createdAt: this.options.now(), availableAt: this.options.now() + this.delays.copyMs };
    this.snapshots.push(copy);
    return copy;
  }

  /** Finish moves whose time has come, and bring back old primaries whose region answers again. */
  private settle(): void {
    const now = this.options.now();
    for (const global of this.globals) {
      if (global.move && now >= global.move.until) {
        const { kind, to } = global.move;
        const old = global.writer;
        global.writer = to;
        delete global.move;
        // Switchover: the old primary follows at once. Failover: it is rebuilt once its region answers.
        if (kind === 'failover') global.resync.set(old, { waitingForRegion: true });
      }
      for (const [member, state] of global.resync) {
        const cluster = this.clusters.find((c) => key(c.region, c.id) === member);
        if (!cluster) continue;
        if (state.waitingForRegion && this.options.regionUp(cluster.region)) {
          // Before it recreates the old volume, Aurora snapshots it at the point of failure.
          this.snapshots.push({ region: cluster.region, id: snapshotName(cluster.id, now), clusterId: cluster.id, type: 'automated', createdAt: now, availableAt: now });
          cluster.busyUntil = now + this.delays.rebuildMs;
          state.waitingForRegion = false;
        } else if (!state.waitingForRegion && now >= (cluster.busyUntil ?? 0)) {
          global.resync.delete(member);
        }
      }
    }
    for (const cluster of this.clusters) if (cluster.busyUntil !== undefined && now >= cluster.busyUntil) delete cluster.busyUntil;
  }

  private global(id: string): Global {
    const global = this.globals.find((g) => g.id === id.toLowerCase());
    if (!global) throw new AwsQueryError(404, 'GlobalClusterNotFoundFault', `Global cluster ${id} not found.`);
    return global;
  }

  private cluster(region: string, ref: string): Cluster {
    const lower = ref.toLowerCase();
    const cluster = lower.startsWith('arn:')
      ? this.clusters.find((c) => rdsArn(c.region, 'cluster', c.id) === lower)
      : this.clusters.find((c) => c.region === region && c.id === lower);
    if (!cluster) throw new AwsQueryError(404, 'DBClusterNotFoundFault', `DBCluster ${ref} not found.`);
    return cluster;
  }

  private globalXml(global: Global): string {
    const moving = global.move !== undefined;
    const members = global.members
      .map((m) => {
        const [region, id] = m.split('|') as [string, string];
        const writer = m === global.writer;
        const sync = global.resync.has(m) ? 'pending-resync' : 'connected';
        return `<GlobalClusterMember><DBClusterArn>${rdsArn(region, 'cluster', id)}</DBClusterArn><Readers/><IsWriter>${writer}</IsWriter>${writer ? '' : el('SynchronizationStatus', sync)}</GlobalClusterMember>`;
      })
      .join('');
    let failoverState = '';
    if (global.move) {
      const [toRegion, toId] = global.move.to.split('|') as [string, string];
      failoverState =
        `<FailoverState><Status>${global.move.kind === 'failover' ? 'failing-over' : 'switching-over'}</Status>` +
        `<ToDbClusterArn>${rdsArn(toRegion, 'cluster', toId)}</ToDbClusterArn><IsDataLossAllowed>${global.move.kind === 'failover'}</IsDataLossAllowed></FailoverState>`;
    }
    return (
      `<GlobalClusterIdentifier>${esc(global.id)}</GlobalClusterIdentifier><GlobalClusterResourceId>cluster-fake${global.id.length}</GlobalClusterResourceId>` +
      `<GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:${esc(global.id)}</GlobalClusterArn>` +
      `<Status>${moving ? (global.move!.kind === 'failover' ? 'failing-over' : 'switching-over') : 'available'}</Status><Engine>aurora-postgresql</Engine>` +
      `<EngineVersion>${esc(global.engineVersion)}</EngineVersion><StorageEncrypted>true</StorageEncrypted><DeletionProtection>false</DeletionProtection>` +
      `<GlobalClusterMembers>${members}</GlobalClusterMembers>${failoverState}`
    );
  }

  private clusterXml(cluster: Cluster): string {
    const status = cluster.busyUntil !== undefined ? 'modifying' : 'available';
    return (
      `<DBCluster><DBClusterIdentifier>${esc(cluster.id)}</DBClusterIdentifier><Status>${status}</Status><Engine>aurora-postgresql</Engine>` +
      `<EngineVersion>${esc(cluster.engineVersion)}</EngineVersion><MultiAZ>false</MultiAZ>` +
      `<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>${esc(cluster.id)}-instance-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>` +
      `<DBClusterArn>${rdsArn(cluster.region, 'cluster', cluster.id)}</DBClusterArn></DBCluster>`
    );
  }

  private snapshotXml(s: Snapshot): string {
    return (
      `<DBClusterSnapshot><DBClusterSnapshotIdentifier>${esc(s.id)}</DBClusterSnapshotIdentifier><DBClusterIdentifier>${esc(s.clusterId)}</DBClusterIdentifier>` +
      `<SnapshotCreateTime>${new Date(s.createdAt).toISOString()}</SnapshotCreateTime><Engine>aurora-postgresql</Engine>` +
      `<Status>${this.options.now() >= s.availableAt ? 'available' : 'copying'}</Status><SnapshotType>${s.type}</SnapshotType>` +
      `<DBClusterSnapshotArn>${rdsArn(s.region, 'cluster-snapshot', s.id)}</DBClusterSnapshotArn></DBClusterSnapshot>`
    );
  }
}

function key(region: string, id: string): string {
  return `${region}|${id.toLowerCase()}`;
}

/** `rds:unplanned-global-failover-<cluster>-<yyyy-mm-dd-hh-mm>`. */
function snapshotName(clusterId: string, at: number): string {
  return `rds:unplanned-global-failover-${clusterId}-${new Date(at).toISOString().slice(0, 16).replace(/[T:]/g, '-')}`;
}

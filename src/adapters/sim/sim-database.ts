import { PermanentError } from '../../errors/errors.js';
import type { DatabaseProvider, DatabaseRef, DatabaseState, LagSample } from '../../ports/database-provider.js';
import type { SimCloud } from './sim-cloud.js';

/** One simulated database: an RDS instance or a regional Aurora cluster. Plain data, so it is JSON-safe. */
export interface SimDb {
  id: string;
  region: string;
  engine: DatabaseRef['engine'];
  role: 'writer' | 'replica';
  /** Identifier of the writer this replica follows. */
  sourceId?: string;
  status: DatabaseState['status'];
  /** When the pending change completes (ms, clock time). */
  readyAt?: number;
  /** The role it takes when the pending change completes. */
  pendingRole?: 'writer' | 'replica';
}

/** Everything a SimDatabase holds, JSON-safe; pending changes keep their absolute `readyAt`. */
export interface SimDatabaseSnapshot {
  databases: SimDb[];
}

/** The identifier a ref names: the instance id (RDS) or the regional cluster id (Aurora). */
export function databaseId(ref: DatabaseRef): string {
  return ref.engine === 'rds' ? ref.instanceId : ref.clusterId;
}

/**
 * Simulated RDS/Aurora with the semantics that matter to a failover: a
 * promotion takes time and ends with a writer that is no longer a replica;
 * promoting a non-replica is refused; a replica's lag is unknown while its
 * writer's region is unreachable; identifiers are unique.
 */
export class SimDatabase implements DatabaseProvider {
  private readonly dbs = new Map<string, SimDb>();

  constructor(private readonly cloud: SimCloud) {}

  private lagSeconds = 0;
  private worstLagSeconds = 0;

  /** Set the replication lag every replica reports from now on (tests and drills of the RPO guard). */
  setReplicationLag(seconds: number): void {
    this.lagSeconds = seconds;
    this.worstLagSeconds = Math.max(this.worstLagSeconds, seconds);
  }

  /** Put a database in place, ready (for seeding the world). */
  seed(ref: DatabaseRef, role: 'writer' | 'replica', source?: DatabaseRef): void {
    const db: SimDb = { id: databaseId(ref), region: ref.region, engine: ref.engine, role, status: 'available' };
    if (source) db.sourceId = databaseId(source);
    this.dbs.set(db.id, db);
  }

  async describe(ref: DatabaseRef): Promise<DatabaseState> {
    const op = ref.engine === 'rds' ? 'DescribeDBInstances' : 'DescribeDBClusters';
    return this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.settle(databaseId(ref));
      if (!db) return { ref, exists: false, role: 'replica', status: 'unavailable' } satisfies DatabaseState;
      const state: DatabaseState = { ref, exists: true, role: db.role, status: db.status };
      const source = db.sourceId ? this.dbs.get(db.sourceId) : undefined;
      if (db.role === 'replica' && source) state.replicaOf = source.region;
      return state;
    });
  }

  async promote(ref: DatabaseRef, mode: 'planned' | 'unplanned'): Promise<void> {
    const op = ref.engine === 'rds' ? 'PromoteReadReplica' : mode === 'planned' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster';
    return this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.require(ref);
      if (db.role !== 'replica') throw new PermanentError(`${op}: InvalidDBInstanceState: ${db.id} is not a read replica`);
      if (db.status !== 'available') throw new PermanentError(`${op}: InvalidDBInstanceState: ${db.id} is ${db.status}`);
      const source = db.sourceId ? this.settle(db.sourceId) : undefined;
      if (mode === 'planned' && (!source || !this.cloud.regionAvailable(source.region))) {
        throw new PermanentError(`${op}: the writer of ${db.id} is unreachable: a planned promotion needs it`);
      }
      db.status = ref.engine === 'rds' ? 'modifying' : 'promoting';
      db.pendingRole = 'writer';
      db.readyAt = this.cloud.clock.now() + this.cloud.delays.promoteMs;
      // Aurora's switchover turns the old writer into a secondary; RDS leaves it a standalone writer.
      if (ref.engine === 'aurora-global' && mode === 'planned' && source) {
        source.status = 'modifying';
        source.pendingRole = 'replica';
        source.sourceId = db.id;
        source.readyAt = db.readyAt;
      }
    });
  }

  async createReplica(ref: DatabaseRef, source: DatabaseRef): Promise<void> {
    return this.cloud.call('rds', 'CreateDBInstanceReadReplica', ref.region, databaseId(ref), () => {
      if (this.dbs.has(databaseId(ref))) throw new PermanentError(`CreateDBInstanceReadReplica: DBInstanceAlreadyExists: ${databaseId(ref)}`);
      const writer = this.settle(databaseId(source));
      if (!writer || writer.role !== 'writer') throw new PermanentError(`CreateDBInstanceReadReplica: InvalidDBInstanceState: source ${databaseId(source)} is not a writer`);
      if (!this.cloud.regionAvailable(writer.region)) throw new PermanentError(`CreateDBInstanceReadReplica: source region ${writer.region} is unreachable`);
      this.dbs.set(databaseId(ref), {
        id: databaseId(ref),
        region: ref.region,
        engine: ref.engine,
        role: 'replica',
        sourceId: writer.id,
        status: 'creating',
        readyAt: this.cloud.clock.now() + this.cloud.delays.replicaCreateMs,
      });
    });
  }

  async retire(ref: DatabaseRef, suffix: string): Promise<string> {
    const op = ref.engine === 'rds' ? 'ModifyDBInstance' : 'ModifyDBCluster';
    return this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.require(ref);
      const newId = `${db.id}-${suffix}`.slice(0, 63);
      if (this.dbs.has(newId)) throw new PermanentError(`${op}: ${ref.engine === 'rds' ? 'DBInstanceAlreadyExists' : 'DBClusterAlreadyExistsFault'}: ${newId}`);
      this.dbs.delete(db.id);
      this.dbs.set(newId, { ...db, id: newId });
      // Replicas that followed the retired writer follow the renamed instance.
      for (const other of this.dbs.values()) if (other.sourceId === db.id) other.sourceId = newId;
      return newId;
    });
  }

  async replicaLag(ref: DatabaseRef): Promise<LagSample | undefined> {
    return this.cloud.call('cloudwatch', 'GetMetricData', ref.region, databaseId(ref), () => {
      const db = this.settle(databaseId(ref));
      if (!db || db.role !== 'replica' || db.status !== 'available') return undefined;
      const source = db.sourceId ? this.settle(db.sourceId) : undefined;
      if (!source) return undefined;
      // With the writer's region gone, no new samples arrive: the last one is from just before the outage.
      const at = this.cloud.regionDownSince(source.region) ?? this.cloud.clock.now();
      return { seconds: this.lagSeconds, at, worstRecentSeconds: Math.max(this.lagSeconds, this.worstLagSeconds) };
    });
  }

  /** A deep copy of every database, pending changes included (unsettled: they settle on the next read). */
  snapshot(): SimDatabaseSnapshot {
    return { databases: [...this.dbs.values()].map((db) => structuredClone(db)) };
  }

  /** Replace every database with those of a snapshot; a change still pending completes at its `readyAt`. */
  restore(snapshot: SimDatabaseSnapshot): void {
    this.dbs.clear();
    for (const db of snapshot.databases) this.dbs.set(db.id, structuredClone(db));
  }

  /** Identifiers of every database, for tests and the status of the simulated world. */
  ids(): string[] {
    return [...this.dbs.keys()].sort();
  }

  private require(ref: DatabaseRef): SimDb {
    const db = this.settle(databaseId(ref));
    if (!db) throw new PermanentError(`DBInstanceNotFound: ${databaseId(ref)}`);
    return db;
  }

  /** Apply a pending change whose time has come; state is derived from the clock, no timers. */
  private settle(id: string): SimDb | undefined {
    const db = this.dbs.get(id);
    if (db?.readyAt !== undefined && this.cloud.clock.now() >= db.readyAt) {
      db.status = 'available';
      if (db.pendingRole) db.role = db.pendingRole;
      if (db.role === 'writer') delete db.sourceId;
      delete db.readyAt;
      delete db.pendingRole;
    }
    return db;
  }
}

import { PermanentError, TransientError } from '../../errors/errors.js';
import type {
  CreateReplicaOptions,
  DatabaseProvider,
  DatabaseRef,
  DatabaseState,
  LagSample,
  LostWritesSnapshot,
  PromoteOptions,
  PromotionOutcome,
} from '../../ports/database-provider.js';
import type { SimCloud } from './sim-cloud.js';
import type { SimDatabaseObserver } from './sim-database-observer.js';
import { SimReplication } from './sim-replication.js';
import {
  databaseId,
  engineBlocker,
  factsOf,
  lostWritesCopyId,
  type SimDb,
  type SimDbOptions,
  type SimWriterSettings,
  simRetiredId,
  unplannedFailoverSnapshotId,
  writerSettingsOf,
} from './sim-db-model.js';

export { databaseId, type SimDb, type SimDbOptions } from './sim-db-model.js';

/** How long the AWS adapters wait on the old writer's region before a promotion goes on without it (RdsDatabase's oldRegionDeadlineMs). */
export const SIM_OLD_REGION_DEADLINE_MS = 10_000;

/** Everything a SimDatabase holds, JSON-safe; pending changes keep their absolute `readyAt`. */
export interface SimDatabaseSnapshot {
  databases: SimDb[];
}

/**
 * Simulated RDS/Aurora with the semantics that matter to a failover, as AWS
 * documents them: a promotion takes time, reboots, and ends with a writer
 * that is no longer a replica (and, when it turned backups on, runs a first
 * backup while it already takes writes); promoting a non-replica, or a
 * replica that is not `available` (backing up, modifying), is refused; a
 * cross-region replica of an encrypted writer needs a KMS key of its region;
 * a replica rebuilt in place of a retired instance takes its settings;
 * Aurora switches over while the old primary answers and fails over (with
 * data loss) when it does not, refuses both across engine versions unless
 * the cluster is detached, and snapshots the old primary's volume when its
 * region comes back; a replica's lag reads as its engine publishes it
 * (sim-replication.ts: -1 or growing once its writer's region is
 * unreachable); identifiers are unique.
 */
export class SimDatabase implements DatabaseProvider {
  private readonly dbs = new Map<string, SimDb>();
  /** Told of promotions and renames (the simulated network and application writes follow them). */
  observer?: SimDatabaseObserver;
  /** How long the first backup after a promotion that turns backups on takes (RDS); 0: none. */
  postPromotionBackupMs = 0;
  /** Operations whose next answer is lost: the change is made, the caller hears a reset connection. */
  private readonly lostAnswers: string[] = [];

  constructor(private readonly cloud: SimCloud) {}

  /** How replicas lag, engine by engine (sim-replication.ts): the switches of tests and drills of the RPO guard. */
  readonly replication = new SimReplication();

  /** Set every replica's apply lag, as if it had always been so (tests and drills of the RPO guard; `replication` has the finer switches). */
  setReplicationLag(seconds: number): void {
    this.replication.setLag(seconds);
  }

  /** Put a database in place, ready (for seeding the world). */
  seed(ref: DatabaseRef, role: 'writer' | 'replica', source?: DatabaseRef, options: SimDbOptions = {}): void {
    const db: SimDb = { id: databaseId(ref), region: ref.region, engine: ref.engine, role, status: 'available', ...structuredClone(options) };
    if (source) db.sourceId = databaseId(source);
    this.dbs.set(db.id, db);
  }

  /** Start an automated backup on a database (its backup window): `backing-up` for `ms`. */
  startBackup(ref: DatabaseRef, ms: number): void {
    const db = this.settle(databaseId(ref));
    if (!db) throw new Error(`no simulated database ${databaseId(ref)}`);
    db.status = 'backing-up';
    db.readyAt = this.cloud.clock.now() + ms;
  }

  /** Change what a database is like (encryption, storage, settings, …), for tests and drills. */
  configure(ref: DatabaseRef, options: SimDbOptions): void {
    const db = this.settle(databaseId(ref));
    if (!db) throw new Error(`no simulated database ${databaseId(ref)}`);
    Object.assign(db, structuredClone(options));
  }

  /**
   * The next call of `operation` (PromoteReadReplica, CreateDBInstanceReadReplica,
   * ModifyDBInstance, FailoverGlobalCluster, …) takes effect, but its answer
   * is lost on the way back: the caller gets a reset connection, as when AWS
   * accepted a call whose answer never arrived.
   */
  loseNextAnswer(operation: string): void {
    this.lostAnswers.push(operation);
  }

  /** A deep copy of one database as the simulation holds it, for tests. */
  inspect(ref: DatabaseRef): SimDb | undefined {
    const db = this.settle(databaseId(ref));
    return db ? structuredClone(db) : undefined;
  }

  async describe(ref: DatabaseRef): Promise<DatabaseState> {
    const op = ref.engine === 'rds' ? 'DescribeDBInstances' : 'DescribeDBClusters';
    return this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.settle(databaseId(ref));
      if (!db) return { ref, exists: false, role: 'replica', status: 'unavailable' } satisfies DatabaseState;
      const state: DatabaseState = { ref, exists: true, role: db.role, status: db.status, ...factsOf(db) };
      const source = db.sourceId ? this.dbs.get(db.sourceId) : undefined;
      if (db.role === 'replica' && source) state.replicaOf = source.region;
      const blocker = db.role === 'replica' ? engineBlocker(db, source) : undefined;
      if (blocker) state.managedPromotionBlocker = blocker;
      return state;
    });
  }

  async promote(ref: DatabaseRef, mode: 'planned' | 'unplanned', options: PromoteOptions = {}): Promise<PromotionOutcome> {
    const db = this.dbs.get(databaseId(ref));
    const source = db?.sourceId ? this.dbs.get(db.sourceId) : undefined;
    // The AWS adapters ask the old writer's region first, bounded by their deadline on it: a hanging region costs that much, then counts as gone.
    const sourceHangs = source !== undefined && this.cloud.regionHanging(source.region);
    if (sourceHangs && !options.detach) await this.cloud.clock.sleep(SIM_OLD_REGION_DEADLINE_MS);
    if (ref.engine === 'rds') return this.promoteInstance(ref, mode);
    if (options.detach) return this.cloud.call('rds', 'RemoveFromGlobalCluster', ref.region, databaseId(ref), () => this.detach(ref));
    // A switchover needs the old primary: asked in its own region, which answers or does not (a regional outage).
    const primaryAnswers =
      mode === 'planned' ||
      (source !== undefined &&
        !sourceHangs &&
        (await this.cloud.call('rds', 'DescribeDBClusters', source.region, source.id, () => this.settle(source.id)?.status === 'available').catch(() => false)));
    if (primaryAnswers && source) {
      return this.answered('SwitchoverGlobalCluster', this.cloud.call('rds', 'SwitchoverGlobalCluster', source.region, databaseId(ref), () => this.moveAuroraWriter(ref, 'switchover', mode)));
    }
    return this.answered('FailoverGlobalCluster', this.cloud.call('rds', 'FailoverGlobalCluster', ref.region, databaseId(ref), () => this.moveAuroraWriter(ref, 'failover', mode)));
  }

  async restoreMultiAz(ref: DatabaseRef): Promise<boolean> {
    return this.cloud.call('rds', 'ModifyDBInstance', ref.region, databaseId(ref), () => {
      const db = this.require(ref);
      if (db.multiAz) return true;
      if (db.status !== 'available' && db.status !== 'backing-up') return false;
      db.multiAz = true;
      return true;
    });
  }

  async createReplica(ref: DatabaseRef, source: DatabaseRef, options: CreateReplicaOptions = {}): Promise<void> {
    const op = 'CreateDBInstanceReadReplica';
    return this.answered(op, this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      if (this.dbs.has(databaseId(ref))) throw new PermanentError(`${op}: DBInstanceAlreadyExists: ${databaseId(ref)}`);
      const writer = this.settle(databaseId(source));
      if (!writer || writer.role !== 'writer') throw new PermanentError(`${op}: InvalidDBInstanceState: source ${databaseId(source)} is not a writer`);
      if (!this.cloud.regionAvailable(writer.region)) throw new PermanentError(`${op}: source region ${writer.region} is unreachable`);
      if (writer.status !== 'available') throw new PermanentError(`${op}: InvalidDBInstanceState: source ${writer.id} is ${writer.status}`);
      // As AWS answers it: a cross-region replica of an encrypted source needs a KMS key of the replica's region.
      if (writer.encrypted && writer.region !== ref.region && !(ref.engine === 'rds' && ref.kmsKeyId)) {
        throw new PermanentError(`${op}: InvalidParameterCombination: Cannot create a cross region unencrypted read replica from encrypted source.`);
      }
      const replica: SimDb = {
        id: databaseId(ref),
        region: ref.region,
        engine: ref.engine,
        role: 'replica',
        sourceId: writer.id,
        status: 'creating',
        readyAt: this.cloud.clock.now() + this.cloud.delays.replicaCreateMs,
        writerSettings: writerSettingsOf(writer),
        backupRetentionDays: 0,
      };
      for (const key of ['encrypted', 'allocatedStorageGiB', 'engineVersion'] as const) if (writer[key] !== undefined) Object.assign(replica, { [key]: writer[key] });
      if (options.replacesRetired !== undefined) {
        const template = this.dbs.get(simRetiredId(databaseId(ref), options.replacesRetired));
        if (!template) throw new PermanentError(`${op}: the instance it replaces, set aside as ${simRetiredId(databaseId(ref), options.replacesRetired)}, is not in ${ref.region}`);
        if (template.settings) replica.settings = structuredClone(template.settings);
      }
      this.dbs.set(replica.id, replica);
    }));
  }

  async retire(ref: DatabaseRef, suffix: string): Promise<string> {
    const op = ref.engine === 'rds' ? 'ModifyDBInstance' : 'ModifyDBCluster';
    return this.answered(op, this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.require(ref);
      const newId = simRetiredId(db.id, suffix);
      if (this.dbs.has(newId)) throw new PermanentError(`${op}: ${ref.engine === 'rds' ? 'DBInstanceAlreadyExists' : 'DBClusterAlreadyExistsFault'}: ${newId}`);
      this.dbs.delete(db.id);
      this.dbs.set(newId, { ...db, id: newId });
      // Replicas that followed the retired writer follow the renamed instance.
      for (const other of this.dbs.values()) if (other.sourceId === db.id) other.sourceId = newId;
      this.observer?.renamed?.(db.id, newId);
      return newId;
    }));
  }

  async replicaLag(ref: DatabaseRef): Promise<LagSample | undefined> {
    return this.cloud.call('cloudwatch', 'GetMetricData', ref.region, databaseId(ref), () => {
      const db = this.settle(databaseId(ref));
      // A replica in its backup window still replicates (and publishes its lag).
      if (!db || db.role !== 'replica' || (db.status !== 'available' && db.status !== 'backing-up')) return undefined;
      const source = db.sourceId ? this.settle(db.sourceId) : undefined;
      if (!source) return undefined;
      // The replica keeps publishing after its writer's region is gone: -1 (MySQL) or a growing lag (PostgreSQL).
      return this.replication.sample(db.id, this.cloud.clock.now(), { sourceDownSince: this.cloud.regionDownSince(source.region) });
    });
  }

  /**
   * The heartbeat row as this database has it (the simulated application's
   * replication endpoint serves it; see sim-replication.ts): a writer's
   * newest, a replica's newest replayed. Undefined for a database that is
   * not there or not serving (a replica still being created).
   */
  heartbeat(ref: DatabaseRef): { role: 'writer' | 'replica'; heartbeatAt: number } | undefined {
    const db = this.settle(databaseId(ref));
    if (!db || db.status === 'creating' || db.status === 'unavailable') return undefined;
    const now = this.cloud.clock.now();
    if (db.role === 'writer') return { role: 'writer', heartbeatAt: this.replication.writerHeartbeat(now, this.cloud.regionDownSince(db.region)) };
    const source = db.sourceId ? this.settle(db.sourceId) : undefined;
    if (!source) return undefined;
    return { role: 'replica', heartbeatAt: this.replication.replayedHeartbeat(now, { sourceDownSince: this.cloud.regionDownSince(source.region) }) };
  }

  async listLostWrites(ref: DatabaseRef): Promise<LostWritesSnapshot[]> {
    return this.cloud.call('rds', 'DescribeDBClusterSnapshots', ref.region, databaseId(ref), () =>
      (this.settle(databaseId(ref))?.lostWrites ?? []).map((s) => structuredClone(s)),
    );
  }

  async preserveLostWrites(ref: DatabaseRef, snapshotId: string): Promise<string> {
    return this.cloud.call('rds', 'CopyDBClusterSnapshot', ref.region, snapshotId, () => {
      const snapshot = this.settle(databaseId(ref))?.lostWrites?.find((s) => s.id === snapshotId);
      if (!snapshot) throw new PermanentError(`CopyDBClusterSnapshot: DBClusterSnapshotNotFoundFault: ${snapshotId}`);
      const copy = lostWritesCopyId(databaseId(ref), snapshotId);
      if (snapshot.preservedAs) throw new PermanentError(`CopyDBClusterSnapshot: DBClusterSnapshotAlreadyExistsFault: ${copy}`);
      snapshot.preservedAs = copy;
      return copy;
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

  /**
   * PromoteReadReplica: refused unless an available replica (AWS refuses a
   * replica that is backing up). The new writer gets the old writer's backup
   * settings, asked of it when its region answers, else as recorded on the
   * replica when it was built; modifying, a reboot, and a first backup when
   * the promotion turned backups on.
   */
  private async promoteInstance(ref: DatabaseRef, mode: 'planned' | 'unplanned'): Promise<PromotionOutcome> {
    const op = 'PromoteReadReplica';
    return this.answered(op, this.cloud.call('rds', op, ref.region, databaseId(ref), () => {
      const db = this.require(ref);
      if (db.role !== 'replica') throw new PermanentError(`${op}: InvalidDBInstanceState: ${db.id} is not a read replica`);
      if (db.status !== 'available') throw new PermanentError(`${op}: InvalidDBInstanceState: ${db.id} is ${db.status}`);
      const source = db.sourceId ? this.settle(db.sourceId) : undefined;
      const answers = source !== undefined && this.cloud.regionAvailable(source.region);
      if (mode === 'planned' && !answers) throw new PermanentError(`${op}: the writer of ${db.id} is unreachable: a planned promotion needs it`);
      const settings: SimWriterSettings | undefined = answers ? writerSettingsOf(source) : db.writerSettings;
      const outcome: PromotionOutcome = { settingsFrom: answers ? `writer ${source.id} (${source.region})` : settings ? 'replica tag' : 'unknown' };
      const retention = settings && settings.backupRetentionDays > 0 ? settings.backupRetentionDays : 1;
      if (settings) {
        if (settings.backupRetentionDays > 0) outcome['backupRetentionDays'] = settings.backupRetentionDays;
        if (settings.backupWindow) outcome['backupWindow'] = db.backupWindow = settings.backupWindow;
        outcome['restoreMultiAz'] = settings.multiAz;
      }
      this.observer?.promotionStarting?.(db.id);
      // Backups off before and on after: the first one runs right after the reboot.
      if ((db.backupRetentionDays ?? 0) === 0 && this.postPromotionBackupMs > 0) db.backupAfterMs = this.postPromotionBackupMs;
      db.backupRetentionDays = retention;
      db.status = 'modifying';
      db.pendingRole = 'writer';
      db.readyAt = this.cloud.clock.now() + this.cloud.delays.promoteMs;
      return outcome;
    }));
  }

  /** The answer of a call that took effect, unless it is to be lost (see `loseNextAnswer`). */
  private async answered<T>(operation: string, call: Promise<T>): Promise<T> {
    const result = await call;
    const lost = this.lostAnswers.indexOf(operation);
    if (lost < 0) return result;
    this.lostAnswers.splice(lost, 1);
    throw new TransientError(`${operation}: ECONNRESET: the connection was reset before the answer arrived (simulated)`);
  }

  /** Move an Aurora global database's writer to `ref`'s cluster by switchover (the old primary becomes a secondary) or failover. */
  private moveAuroraWriter(ref: DatabaseRef, how: 'switchover' | 'failover', mode: 'planned' | 'unplanned'): PromotionOutcome {
    const op = how === 'switchover' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster';
    const db = this.require(ref);
    if (db.role !== 'replica') throw new PermanentError(`${op}: InvalidGlobalClusterStateFault: ${db.id} is already the writer`);
    if (db.status !== 'available') throw new PermanentError(`${op}: InvalidGlobalClusterStateFault: ${db.id} is ${db.status}`);
    const source = db.sourceId ? this.settle(db.sourceId) : undefined;
    const blocker = engineBlocker(db, source);
    if (blocker) throw new PermanentError(`${op}: InvalidParameterValue: ${blocker}`);
    if (mode === 'planned' && (!source || !this.cloud.regionAvailable(source.region))) {
      throw new PermanentError(`${op}: the writer of ${db.id} is unreachable: a planned promotion needs it`);
    }
    this.observer?.promotionStarting?.(db.id);
    db.status = 'promoting';
    db.pendingRole = 'writer';
    db.readyAt = this.cloud.clock.now() + this.cloud.delays.promoteMs;
    if (!source) return { method: how };
    if (how === 'switchover') {
      Object.assign(source, { status: 'modifying', pendingRole: 'replica', sourceId: db.id, readyAt: db.readyAt });
      return { method: how };
    }
    // Managed failover: once its region is back, Aurora snapshots the old primary's volume and rebuilds it as a secondary.
    source.rejoinAs = db.id;
    return { method: how, lostWrites: `kept only in rds:unplanned-global-failover-${source.id}-<time>, taken when ${source.region} recovers` };
  }

  /** RemoveFromGlobalCluster: the cluster stops replicating and becomes a standalone writer. */
  private detach(ref: DatabaseRef): PromotionOutcome {
    const db = this.require(ref);
    if (db.role !== 'replica') throw new PermanentError(`RemoveFromGlobalCluster: InvalidGlobalClusterStateFault: ${db.id} is not a secondary`);
    this.observer?.promotionStarting?.(db.id);
    db.status = 'modifying';
    db.pendingRole = 'writer';
    db.readyAt = this.cloud.clock.now() + this.cloud.delays.promoteMs;
    return { method: 'detach' };
  }

  private require(ref: DatabaseRef): SimDb {
    const db = this.settle(databaseId(ref));
    if (!db) throw new PermanentError(`DBInstanceNotFound: ${databaseId(ref)}`);
    return db;
  }

  /** Apply the changes whose time has come; state is derived from the clock, no timers. */
  private settle(id: string): SimDb | undefined {
    const db = this.dbs.get(id);
    if (!db) return undefined;
    const now = this.cloud.clock.now();
    while (db.readyAt !== undefined && now >= db.readyAt) {
      const finishedAt = db.readyAt;
      db.status = 'available';
      if (db.pendingRole) db.role = db.pendingRole;
      if (db.role === 'writer') delete db.sourceId;
      delete db.readyAt;
      delete db.pendingRole;
      if (db.backupAfterMs !== undefined) {
        // The reboot is over: the new writer serves while its first backup runs.
        db.status = 'backing-up';
        db.readyAt = finishedAt + db.backupAfterMs;
        delete db.backupAfterMs;
      }
    }
    if (db.rejoinAs !== undefined && this.cloud.regionAvailable(db.region) && this.dbs.has(db.rejoinAs)) {
      // Aurora User Guide: before it recreates the old primary's volume, Aurora snapshots it at the point of failure.
      db.lostWrites = [...(db.lostWrites ?? []), { id: unplannedFailoverSnapshotId(db.id, now) }];
      Object.assign(db, { role: 'replica', sourceId: db.rejoinAs, status: 'modifying', readyAt: now + this.cloud.delays.replicaCreateMs });
      delete db.rejoinAs;
    }
    return db;
  }
}

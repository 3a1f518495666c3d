import type { DatabaseRef, DatabaseState } from '../../ports/database-provider.js';

/** The backup and Multi-AZ settings a writer has, and a promoted replica should get. */
export interface SimWriterSettings {
  backupRetentionDays: number;
  backupWindow?: string;
  multiAz: boolean;
}

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
  /** A promotion that turns backups on runs a first backup after its reboot, this long (RDS). */
  backupAfterMs?: number;
  encrypted?: boolean;
  allocatedStorageGiB?: number;
  multiAz?: boolean;
  /** Aurora: managed failover and switchover need the same version on both sides. */
  engineVersion?: string;
  backupRetentionDays?: number;
  backupWindow?: string;
  /** Where the instance lives and how it is set up (subnet group, security groups, parameter group, class, tags, …): copied to the replica that replaces it. */
  settings?: Record<string, string>;
  /** The writer's settings, recorded on a replica this controller built (the writer-settings tag on AWS). */
  writerSettings?: SimWriterSettings;
  /** Aurora: failed over away from while its region was down; once the region is back, Aurora snapshots its volume and makes it a secondary of this writer. */
  rejoinAs?: string;
  /** Aurora: the snapshots of its old volume an unplanned failover left (`rds:unplanned-global-failover-…`), and their manual copies. */
  lostWrites?: { id: string; preservedAs?: string }[];
}

/** What a seeded database is like, beyond its role. */
export type SimDbOptions = Pick<SimDb, 'encrypted' | 'allocatedStorageGiB' | 'multiAz' | 'engineVersion' | 'backupRetentionDays' | 'backupWindow' | 'settings'>;

/** The identifier a ref names: the instance id (RDS) or the regional cluster id (Aurora). */
export function databaseId(ref: DatabaseRef): string {
  return ref.engine === 'rds' ? ref.instanceId : ref.clusterId;
}

/** The name a database is set aside under: `<id>-<suffix>`, at most 63 characters. */
export function simRetiredId(id: string, suffix: string): string {
  return `${id}-${suffix}`.slice(0, 63);
}

/** `rds:unplanned-global-failover-<cluster>-<yyyy-mm-dd-hh-mm>`, as Aurora names it. */
export function unplannedFailoverSnapshotId(clusterId: string, at: number): string {
  return `rds:unplanned-global-failover-${clusterId}-${new Date(at).toISOString().slice(0, 16).replace(/[T:]/g, '-')}`;
}

/** The manual copy of such a snapshot: `<cluster>-lost-writes-<time>`. */
export function lostWritesCopyId(clusterId: string, snapshotId: string): string {
  return `${clusterId}-lost-writes-${snapshotId.slice(`rds:unplanned-global-failover-${clusterId}-`.length)}`;
}

/** The writer settings of a database. */
export function writerSettingsOf(db: SimDb): SimWriterSettings {
  const settings: SimWriterSettings = { backupRetentionDays: db.backupRetentionDays ?? 0, multiAz: db.multiAz === true };
  if (db.backupWindow) settings.backupWindow = db.backupWindow;
  return settings;
}

/** The facts `describe` reports besides role and status. */
export function factsOf(db: SimDb): Pick<DatabaseState, 'encrypted' | 'allocatedStorageGiB' | 'multiAz'> {
  const facts: Pick<DatabaseState, 'encrypted' | 'allocatedStorageGiB' | 'multiAz'> = {};
  if (db.encrypted !== undefined) facts.encrypted = db.encrypted;
  if (db.allocatedStorageGiB !== undefined) facts.allocatedStorageGiB = db.allocatedStorageGiB;
  if (db.multiAz !== undefined) facts.multiAz = db.multiAz;
  return facts;
}

/** Why a managed Aurora failover between these two cannot work, if it cannot. */
export function engineBlocker(db: SimDb, writer: SimDb | undefined): string | undefined {
  if (db.engine !== 'aurora-global' || !writer?.engineVersion || !db.engineVersion || writer.engineVersion === db.engineVersion) return undefined;
  return (
    `engine versions differ: the writer ${writer.id} runs ${writer.engineVersion}, ${db.id} runs ${db.engineVersion}; ` +
    'Aurora cannot fail over or switch over between different versions (upgrade first, or detach this cluster and promote it on its own)'
  );
}

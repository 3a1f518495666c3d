import {
  CreateDBInstanceReadReplicaCommand,
  type CreateDBInstanceReadReplicaCommandInput,
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
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
import { AuroraGlobalDatabase } from './aurora-global.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall, awsErrorCode, translateAwsError } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import { withDeadline } from './aws-deadline.js';
import { type LagWindow, latestLag } from './replica-lag.js';
import { isArn, parseRdsArn, retiredIdentifier, sameIdentifier } from './rds-identifiers.js';
import { backupWindowConflicts, replicaSettingsFrom, WRITER_SETTINGS_TAG, type WriterSettings, writerSettingsFromTags, writerSettingsOf, writerSettingsTag } from './rds-replica-settings.js';
import { rdsStatus } from './rds-status.js';
import { withPartitionPresign } from './rds-presign.js';

/** A ref to one RDS DB instance. */
type InstanceRef = Extract<DatabaseRef, { engine: 'rds' }>;

/** Options of the RDS/Aurora adapter. */
export interface RdsDatabaseOptions {
  clock: Clock;
  /** A lag datapoint older than this is unknown (default 5 minutes). */
  lagMaxAgeMs?: number;
  /**
   * How long a call to the region being left may take (default 10 s): the
   * old writer's settings before an RDS promotion, the old primary's state
   * before choosing an Aurora switchover. Past it, that region counts as not
   * answering.
   */
  oldRegionDeadlineMs?: number;
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
  private readonly oldRegionDeadlineMs: number;

  constructor(
    private readonly clients: CloudClients,
    options: RdsDatabaseOptions,
  ) {
    this.clock = options.clock;
    this.lagMaxAgeMs = options.lagMaxAgeMs ?? 5 * 60_000;
    this.oldRegionDeadlineMs = options.oldRegionDeadlineMs ?? 10_000;
    this.aurora = new AuroraGlobalDatabase(clients, { window: () => this.lagWindow(), clock: this.clock, deadlineMs: this.oldRegionDeadlineMs });
  }

  /**
   * DescribeDBInstances in the ref's region; DBInstanceNotFound is
   * `exists: false`. An instance with ReadReplicaSourceDBInstanceIdentifier
   * is a replica of the region that identifier names (an ARN for a
   * cross-region source, a bare identifier for a same-region one). Right
   * after PromoteReadReplica the instance may still read `available` with
   * its source set, so a promotion only counts once the source is gone;
   * then the instance is modifying, rebooting ("the DB instance is rebooted
   * before it becomes available", RDS User Guide, "Promoting a read
   * replica"), and, when the replica had no backups, `backing-up`: a writer
   * that takes writes while its first backup runs.
   */
  async describe(ref: DatabaseRef): Promise<DatabaseState> {
    if (ref.engine === 'aurora-global') return this.aurora.describe(ref);
    const instance = await this.findInstance(ref.region, ref.instanceId);
    if (!instance) return { ref, exists: false, role: 'replica', status: 'unavailable' };
    const facts = instanceFacts(instance);
    const source = instance.ReadReplicaSourceDBInstanceIdentifier || instance.ReadReplicaSourceDBClusterIdentifier;
    const status = rdsStatus(instance.DBInstanceStatus);
    if (source) return { ref, exists: true, role: 'replica', replicaOf: sourceRegion(source, ref.region), status, ...facts };
    // StatusInfos carries "read replication" only for a read replica: one left on an instance whose source is gone is still being promoted.
    const replicating = (instance.StatusInfos ?? []).some((s) => s.StatusType === 'read replication');
    return { ref, exists: true, role: 'writer', status: status === 'available' && replicating ? 'promoting' : status, ...facts };
  }

  /**
   * RDS: PromoteReadReplica for both modes (for `planned` the runbook has
   * already waited for lag zero; RDS has no switchover for instances), with
   * the backup retention and window of the writer it replaces: without them
   * the new writer keeps AWS's default of one day ("Default: 1", RDS API
   * Reference, PromoteReadReplica). Those come from the old writer itself
   * when its region answers within the deadline, else from the tag this
   * controller put on the replica when it built it (WRITER_SETTINGS_TAG).
   * A window that would clash with the replica's maintenance window is left
   * out rather than failing the promotion. Aurora: see aurora-global.ts.
   */
  async promote(ref: DatabaseRef, mode: 'planned' | 'unplanned', options: PromoteOptions = {}): Promise<PromotionOutcome> {
    if (ref.engine === 'aurora-global') return this.aurora.promote(ref, mode, options);
    const operation = `PromoteReadReplica ${where(ref)}`;
    const replica = await this.findInstance(ref.region, ref.instanceId);
    if (!replica) throw new PermanentError(`${operation}: DBInstanceNotFound: no instance ${ref.instanceId} in ${ref.region}`);
    const { settings, from } = await this.writerSettingsFor(ref, replica);
    const outcome: PromotionOutcome = { settingsFrom: from };
    const input: { DBInstanceIdentifier: string; BackupRetentionPeriod?: number; PreferredBackupWindow?: string } = { DBInstanceIdentifier: ref.instanceId };
    if (settings) {
      // Zero would turn backups off on the new writer; RDS's default of one day is the safer floor.
      if (settings.backupRetentionDays > 0) input.BackupRetentionPeriod = outcome['backupRetentionDays'] = settings.backupRetentionDays;
      if (settings.backupWindow && !backupWindowConflicts(settings.backupWindow, replica.PreferredMaintenanceWindow)) input.PreferredBackupWindow = outcome['backupWindow'] = settings.backupWindow;
      outcome['restoreMultiAz'] = settings.multiAz;
    }
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(operation, () => client.send(new PromoteReadReplicaCommand(input)));
    return outcome;
  }

  /**
   * ModifyDBInstance MultiAZ=true, ApplyImmediately, on a promoted writer
   * whose predecessor was Multi-AZ ("(Optional) Modify the new DB instance
   * to be a Multi-AZ deployment", RDS User Guide, "Promoting a read
   * replica"). Already Multi-AZ (or pending) is done; a database that
   * cannot take the change now (InvalidDBInstanceState) answers false.
   */
  async restoreMultiAz(ref: DatabaseRef): Promise<boolean> {
    if (ref.engine !== 'rds') return true;
    const instance = await this.findInstance(ref.region, ref.instanceId);
    if (!instance) throw new PermanentError(`ModifyDBInstance ${where(ref)}: DBInstanceNotFound`);
    if (instance.MultiAZ || instance.PendingModifiedValues?.MultiAZ) return true;
    const client = this.clients.rds(ref.region, 'change');
    try {
      await client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ref.instanceId, MultiAZ: true, ApplyImmediately: true }));
      return true;
    } catch (err) {
      if (awsErrorCode(err) === 'InvalidDBInstanceState' || awsErrorCode(err) === 'InvalidDBInstanceStateFault') return false;
      throw translateAwsError(err, `ModifyDBInstance ${where(ref)} MultiAZ=true`);
    }
  }

  /**
   * CreateDBInstanceReadReplica, sent to the new replica's region. RDS wants
   * the source as an identifier when it is in the same region and as its
   * ARN when it is not; the ARN comes from DescribeDBInstances in the
   * source's region. For a cross-region source the SDK reads the source
   * region from the ARN and adds the PreSignedUrl (with DestinationRegion)
   * itself: SourceRegion is an SDK-side convenience of other SDKs, never a
   * parameter on the wire.
   *
   * With `replacesRetired`, the settings come from the instance set aside
   * under that suffix (see replicaSettingsFrom); an encrypted cross-region
   * source also needs the ref's `kmsKeyId` ("If you create an encrypted read
   * replica in a different AWS Region, then you must specify a KMS key
   * identifier for the destination AWS Region", RDS API Reference,
   * CreateDBInstanceReadReplica; a same-region replica must not name one).
   * The replica is tagged with the writer's backup and Multi-AZ settings for
   * its own promotion later (WRITER_SETTINGS_TAG).
   */
  async createReplica(ref: DatabaseRef, source: DatabaseRef, options: CreateReplicaOptions = {}): Promise<void> {
    if (ref.engine === 'aurora-global') return this.aurora.createReplica(ref, source);
    if (source.engine !== 'rds') throw new PermanentError(`CreateDBInstanceReadReplica ${where(ref)}: the source of an RDS replica must be an RDS instance`);
    const operation = `CreateDBInstanceReadReplica ${where(ref)} from ${where(source)}`;
    const crossRegion = source.region !== ref.region;
    const writer = await this.findInstance(source.region, source.instanceId);
    if (!writer) throw new PermanentError(`${operation}: DBInstanceNotFound: no source instance ${source.instanceId} in ${source.region}`);
    if (crossRegion && !writer.DBInstanceArn) throw new PermanentError(`${operation}: DescribeDBInstances returned no DBInstanceArn for ${source.instanceId}`);
    let input: CreateDBInstanceReadReplicaCommandInput = {
      DBInstanceIdentifier: ref.instanceId,
      SourceDBInstanceIdentifier: crossRegion ? writer.DBInstanceArn! : source.instanceId,
    };
    if (options.replacesRetired !== undefined) {
      const templateId = retiredIdentifier(ref.instanceId, options.replacesRetired);
      const template = await this.findInstance(ref.region, templateId);
      if (!template) {
        throw new PermanentError(
          `${operation}: the instance it replaces, set aside as ${templateId}, is not in ${ref.region}: its subnet group, security groups and parameter groups ` +
            'are what the new replica needs (without them RDS creates it outside the VPC, behind the default security group); create the replica by hand with them',
        );
      }
      input = { ...input, ...replicaSettingsFrom(template, { crossRegion }) };
    }
    input.Tags = [...(input.Tags ?? []), writerSettingsTag(writerSettingsOf(writer))];
    if (crossRegion && writer.StorageEncrypted && ref.kmsKeyId) input.KmsKeyId = ref.kmsKeyId;
    const client = this.clients.rds(ref.region, 'change');
    try {
      await client.send(withPartitionPresign(client, new CreateDBInstanceReadReplicaCommand(input), this.clock));
    } catch (err) {
      const translated = translateAwsError(err, operation);
      if (crossRegion && writer.StorageEncrypted && !ref.kmsKeyId && awsErrorCode(err) === 'InvalidParameterCombination') {
        translated.message += ` (${source.instanceId} is encrypted: set regions[${ref.region}].database.kmsKeyId to a KMS key of ${ref.region})`;
      }
      throw translated;
    }
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
    try {
      await client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ref.instanceId, NewDBInstanceIdentifier: newId, ApplyImmediately: true }));
    } catch (err) {
      // A repeat of a rename whose answer was lost: the old name is gone at once ("the old DNS name … is immediately deleted",
      // RDS User Guide, "Renaming a DB instance") and the new one taken, so AWS answers DBInstanceNotFound or DBInstanceAlreadyExists.
      if (/^DBInstance(NotFound|AlreadyExists)(Fault)?$/.test(awsErrorCode(err)) && (await this.renamedAlready(ref, newId))) return newId;
      throw translateAwsError(err, `ModifyDBInstance ${where(ref)} → ${newId}`);
    }
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

  /** Aurora only: an RDS instance has no such snapshots (a stale RDS writer is kept by renaming it). */
  async listLostWrites(ref: DatabaseRef): Promise<LostWritesSnapshot[]> {
    return ref.engine === 'aurora-global' ? this.aurora.listLostWrites(ref) : [];
  }

  /** Aurora only. */
  async preserveLostWrites(ref: DatabaseRef, snapshotId: string): Promise<string> {
    if (ref.engine !== 'aurora-global') throw new PermanentError(`preserveLostWrites ${where(ref)}: RDS instances leave no unplanned-failover snapshot`);
    return this.aurora.preserveLostWrites(ref, snapshotId);
  }

  /** The instance answers to its new name, and its old name is free or names the very same instance (DbiResourceId). */
  private async renamedAlready(ref: InstanceRef, newId: string): Promise<boolean> {
    const renamed = await this.findInstance(ref.region, newId);
    if (!renamed) return false;
    const original = await this.findInstance(ref.region, ref.instanceId);
    return !original || (original.DbiResourceId !== undefined && original.DbiResourceId === renamed.DbiResourceId);
  }

  /** The old writer's settings: asked of it (bounded), else read from the replica's tag. */
  private async writerSettingsFor(ref: InstanceRef, replica: DBInstance): Promise<{ settings?: WriterSettings; from: string }> {
    const source = replica.ReadReplicaSourceDBInstanceIdentifier;
    const fromTag = writerSettingsFromTags(replica.TagList);
    if (!source) return fromTag ? { settings: fromTag, from: 'replica tag' } : { from: 'unknown: no source' };
    const region = sourceRegion(source, ref.region);
    const id = isArn(source) ? (parseRdsArn(source)?.id ?? source) : source;
    try {
      const writer = await withDeadline(this.clock, this.oldRegionDeadlineMs, `DescribeDBInstances ${id} (${region})`, (abortSignal) =>
        this.findInstance(region, id, abortSignal),
      );
      if (writer) return { settings: writerSettingsOf(writer), from: `writer ${id} (${region})` };
    } catch {
      // The old region not answering is the very case an unplanned failover is for: fall back to the tag.
    }
    if (fromTag) return { settings: fromTag, from: 'replica tag' };
    return { from: `unknown: ${region} did not answer and the replica has no ${WRITER_SETTINGS_TAG} tag` };
  }

  private lagWindow(): LagWindow {
    return { now: this.clock.now(), windowMs: LAG_WINDOW_MS, periodSeconds: LAG_PERIOD_SECONDS, maxAgeMs: this.lagMaxAgeMs };
  }

  private async findInstance(region: string, id: string, abortSignal?: AbortSignal): Promise<DBInstance | undefined> {
    const client = this.clients.rds(region);
    const out = await awsLookup(`DescribeDBInstances ${id} (${region})`, ['DBInstanceNotFound', 'DBInstanceNotFoundFault'], () =>
      client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), abortSignal ? { abortSignal } : {}),
    );
    return out?.DBInstances?.find((i) => (isArn(id) ? i.DBInstanceArn !== undefined && sameIdentifier(i.DBInstanceArn, id) : sameIdentifier(i.DBInstanceIdentifier ?? '', id)));
  }
}

/** The facts of an instance the steps size and check things by. */
function instanceFacts(instance: DBInstance): Pick<DatabaseState, 'encrypted' | 'allocatedStorageGiB' | 'multiAz'> {
  const facts: Pick<DatabaseState, 'encrypted' | 'allocatedStorageGiB' | 'multiAz'> = {};
  if (instance.StorageEncrypted !== undefined) facts.encrypted = instance.StorageEncrypted;
  if (instance.AllocatedStorage !== undefined) facts.allocatedStorageGiB = instance.AllocatedStorage;
  if (instance.MultiAZ !== undefined || instance.PendingModifiedValues?.MultiAZ !== undefined) facts.multiAz = instance.MultiAZ === true || instance.PendingModifiedValues?.MultiAZ === true;
  return facts;
}

function where(ref: InstanceRef): string {
  return `${ref.instanceId} (${ref.region})`;
}

/** The region of a replica's source: from its ARN when cross-region, the replica's own otherwise. */
function sourceRegion(source: string, ownRegion: string): string {
  return (isArn(source) ? parseRdsArn(source)?.region : undefined) || ownRegion;
}

import type { CreateDBInstanceReadReplicaCommandInput, DBInstance, Tag } from '@aws-sdk/client-rds';

/**
 * The tag a replica built by this controller carries with the backup and
 * Multi-AZ settings of the writer it follows, so that a promotion can give
 * the new writer those settings even when the old writer's region no longer
 * answers. Its value is `retention=<days> window=<hh24:mi-hh24:mi>
 * multi-az=<true|false>` (RDS tag values allow letters, digits, spaces and
 * `_ . : / = + - @`).
 */
export const WRITER_SETTINGS_TAG = 'failover-controller:writer-settings';

/** The settings a promoted replica should get from the writer it replaces. */
export interface WriterSettings {
  backupRetentionDays: number;
  /** Daily, UTC, `hh24:mi-hh24:mi`. */
  backupWindow?: string;
  multiAz: boolean;
}

/** A writer's settings as DescribeDBInstances reports them. */
export function writerSettingsOf(writer: DBInstance): WriterSettings {
  const settings: WriterSettings = { backupRetentionDays: writer.BackupRetentionPeriod ?? 0, multiAz: writer.MultiAZ === true };
  if (writer.PreferredBackupWindow) settings.backupWindow = writer.PreferredBackupWindow;
  return settings;
}

/** The writer-settings tag's value. */
export function writerSettingsTag(settings: WriterSettings): Tag {
  const parts = [`retention=${settings.backupRetentionDays}`, ...(settings.backupWindow ? [`window=${settings.backupWindow}`] : []), `multi-az=${settings.multiAz}`];
  return { Key: WRITER_SETTINGS_TAG, Value: parts.join(' ') };
}

/** The settings a replica's writer-settings tag records, if it has a readable one. */
export function writerSettingsFromTags(tags: readonly Tag[] | undefined): WriterSettings | undefined {
  const value = tags?.find((t) => t.Key === WRITER_SETTINGS_TAG)?.Value;
  if (!value) return undefined;
  const fields = Object.fromEntries(value.split(/\s+/).map((part) => part.split('=') as [string, string]));
  const retention = Number(fields['retention']);
  if (!Number.isInteger(retention) || retention < 0 || retention > 35) return undefined;
  const settings: WriterSettings = { backupRetentionDays: retention, multiAz: fields['multi-az'] === 'true' };
  if (fields['window'] && /^\d{2}:\d{2}-\d{2}:\d{2}$/.test(fields['window'])) settings.backupWindow = fields['window'];
  return settings;
}

/**
 * The parameters of CreateDBInstanceReadReplica that put a new replica where
 * the instance it replaces was, read from that instance (RDS API Reference,
 * CreateDBInstanceReadReplica): without DBSubnetGroupName "the new DB
 * instance isn't created in a VPC", without VpcSecurityGroupIds it gets "the
 * default EC2 VPC security group for the DB subnet group's VPC", and a
 * cross-Region replica without DBParameterGroupName gets the engine's
 * default parameter group. Subnet groups, parameter and option groups and
 * security groups are regional, so they come from the instance in the new
 * replica's own region, never from the writer.
 *
 * A same-region replica must not name a subnet group (DBSubnetGroupNotAllowedFault:
 * it shares its source's VPC). Tags starting with `aws:` are AWS's own and
 * cannot be set; the writer-settings tag is replaced by the current writer's.
 */
export function replicaSettingsFrom(template: DBInstance, options: { crossRegion: boolean }): Partial<CreateDBInstanceReadReplicaCommandInput> {
  const input: Partial<CreateDBInstanceReadReplicaCommandInput> = {};
  if (template.DBInstanceClass) input.DBInstanceClass = template.DBInstanceClass;
  const subnetGroup = template.DBSubnetGroup?.DBSubnetGroupName;
  if (options.crossRegion && subnetGroup) input.DBSubnetGroupName = subnetGroup;
  const securityGroups = (template.VpcSecurityGroups ?? []).filter((g) => g.Status !== 'removing' && g.VpcSecurityGroupId).map((g) => g.VpcSecurityGroupId!);
  if (securityGroups.length > 0) input.VpcSecurityGroupIds = securityGroups;
  const parameterGroup = template.DBParameterGroups?.[0]?.DBParameterGroupName;
  if (parameterGroup) input.DBParameterGroupName = parameterGroup;
  const optionGroup = template.OptionGroupMemberships?.[0]?.OptionGroupName;
  if (optionGroup) input.OptionGroupName = optionGroup;
  if (template.StorageType) input.StorageType = template.StorageType;
  // Provisioned IOPS and throughput only mean something for the storage types that take them (io1, io2, gp3).
  if (template.Iops !== undefined && /^(io1|io2|gp3)$/.test(template.StorageType ?? '')) input.Iops = template.Iops;
  if (template.StorageThroughput !== undefined && template.StorageType === 'gp3') input.StorageThroughput = template.StorageThroughput;
  if (template.MonitoringInterval && template.MonitoringRoleArn) {
    input.MonitoringInterval = template.MonitoringInterval;
    input.MonitoringRoleArn = template.MonitoringRoleArn;
  }
  if (template.PerformanceInsightsEnabled) {
    input.EnablePerformanceInsights = true;
    if (template.PerformanceInsightsKMSKeyId) input.PerformanceInsightsKMSKeyId = template.PerformanceInsightsKMSKeyId;
    if (template.PerformanceInsightsRetentionPeriod) input.PerformanceInsightsRetentionPeriod = template.PerformanceInsightsRetentionPeriod;
  }
  if (template.DeletionProtection !== undefined) input.DeletionProtection = template.DeletionProtection;
  if (template.PubliclyAccessible !== undefined) input.PubliclyAccessible = template.PubliclyAccessible;
  if (template.CopyTagsToSnapshot !== undefined) input.CopyTagsToSnapshot = template.CopyTagsToSnapshot;
  if (template.IAMDatabaseAuthenticationEnabled !== undefined) input.EnableIAMDatabaseAuthentication = template.IAMDatabaseAuthenticationEnabled;
  if (template.EnabledCloudwatchLogsExports?.length) input.EnableCloudwatchLogsExports = template.EnabledCloudwatchLogsExports;
  const tags = (template.TagList ?? []).filter((t) => t.Key && !t.Key.startsWith('aws:') && t.Key !== WRITER_SETTINGS_TAG);
  if (tags.length > 0) input.Tags = tags;
  return input;
}

/** A daily window `hh24:mi-hh24:mi` as minutes of the day, end after start (it may wrap midnight). */
function dailyRange(window: string): [number, number] | undefined {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(window);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  let end = Number(m[3]) * 60 + Number(m[4]);
  if (end <= start) end += 24 * 60;
  return [start, end];
}

/**
 * Whether a daily backup window overlaps a weekly maintenance window
 * (`ddd:hh24:mi-ddd:hh24:mi`) on any day: RDS refuses a
 * PreferredBackupWindow that does ("must not conflict with the preferred
 * maintenance window"), and a promotion must not fail over a setting.
 */
export function backupWindowConflicts(backupWindow: string, maintenanceWindow: string | undefined): boolean {
  if (!maintenanceWindow) return false;
  const m = /^[a-z]{3}:(\d{2}:\d{2})-[a-z]{3}:(\d{2}:\d{2})$/i.exec(maintenanceWindow);
  const backup = dailyRange(backupWindow);
  const maintenance = m ? dailyRange(`${m[1]}-${m[2]}`) : undefined;
  if (!backup || !maintenance) return true;
  // Compare on a two-day line, so that ranges wrapping midnight meet their counterparts.
  const shifts = [-24 * 60, 0, 24 * 60];
  return shifts.some((shift) => backup[0] < maintenance[1] + shift && maintenance[0] + shift < backup[1]);
}

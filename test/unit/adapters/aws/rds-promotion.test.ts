import { beforeEach, describe, expect, it } from 'vitest';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, STILL_CLOCK, useAwsNock, dbInstanceXml, describeDbInstancesResult } from '../../../support/aws-nock.js';

const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };
const WRITER_ARN = 'arn:aws:rds:us-east-1:123456789012:db:shop-db-use1';
// Time stands still: the deadline on the old region's answer never passes unless the region refuses the connection.
const clock = STILL_CLOCK;

const nocked = useAwsNock();
let db: RdsDatabase;
let aws: AwsNock;
beforeEach(() => {
  db = new RdsDatabase(nocked.clients, { clock });
  aws = nocked.aws;
});

function replica(options: { status?: string; extra?: string } = {}): string {
  return describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN, statusInfos: ['replicating'], ...options }));
}
const WRITER_BACKUPS = '<BackupRetentionPeriod>14</BackupRetentionPeriod><PreferredBackupWindow>03:00-03:30</PreferredBackupWindow>';

describe('PromoteReadReplica in the backup window (RDS API Reference, PromoteReadReplica: "cannot be promoted … when it is in the backing-up status")', () => {
  it('reads a replica that is backing up as backing-up (not available), and turns the refusal into a PermanentError that names InvalidDBInstanceState', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica({ status: 'backing-up' }));
    expect(await db.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'backing-up' });
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica({ status: 'backing-up' }));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsError('eu-west-1', 'PromoteReadReplica', 400, 'InvalidDBInstanceState', 'DB instance shop-db-euw1 is not in available state.');
    const err = await db.promote(REPLICA, 'unplanned').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/PromoteReadReplica shop-db-euw1 \(eu-west-1\): InvalidDBInstanceState(Fault)?: DB instance shop-db-euw1 is not in available state/);
  });

  it.each([
    ['available', 'replica', 'available'],
    ['modifying', 'replica', 'modifying'],
    ['rebooting', 'writer', 'modifying'],
    ['backing-up', 'writer', 'backing-up'],
    ['available', 'writer', 'available'],
  ])('follows the promotion state by state: %s as a %s reads %s', async (status, role, expected) => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', role === 'replica' ? replica({ status }) : describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status })));
    expect(await db.describe(REPLICA)).toMatchObject({ role, status: expected });
  });
});

describe('the new writer gets the old writer’s backup settings', () => {
  it('asks the old writer (its region answers) and sends its backup retention and window with PromoteReadReplica; Multi-AZ is for later', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica({ extra: '<PreferredMaintenanceWindow>sun:05:00-sun:05:30</PreferredMaintenanceWindow>' }));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', multiAz: true, extra: WRITER_BACKUPS })));
    aws.rdsOk('eu-west-1', 'PromoteReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN }));
    const outcome = await db.promote(REPLICA, 'unplanned');
    expect(aws.rds[1]).toMatchObject({ region: 'us-east-1', params: { Action: 'DescribeDBInstances', DBInstanceIdentifier: 'shop-db-use1' } });
    expect(aws.rds[2]?.params).toEqual({
      Action: 'PromoteReadReplica',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'shop-db-euw1',
      BackupRetentionPeriod: '14',
      PreferredBackupWindow: '03:00-03:30',
    });
    expect(outcome).toEqual({ settingsFrom: 'writer shop-db-use1 (us-east-1)', backupRetentionDays: 14, backupWindow: '03:00-03:30', restoreMultiAz: true });
    aws.done();
  });

  it('takes them from the replica’s writer-settings tag when the old region refuses the connection', async () => {
    const tag = '<TagList><Tag><Key>failover-controller:writer-settings</Key><Value>retention=7 window=22:00-22:30 multi-az=true</Value></Tag></TagList>';
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica({ extra: tag }));
    aws.rdsUnreachable('us-east-1', 'DescribeDBInstances');
    aws.rdsOk('eu-west-1', 'PromoteReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN }));
    const outcome = await db.promote(REPLICA, 'unplanned');
    expect(aws.rds.at(-1)?.params).toMatchObject({ BackupRetentionPeriod: '7', PreferredBackupWindow: '22:00-22:30' });
    expect(outcome).toMatchObject({ settingsFrom: 'replica tag', restoreMultiAz: true });
  });

  it('says the settings are unknown when neither answers, and promotes with AWS’s default', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica());
    aws.rdsUnreachable('us-east-1', 'DescribeDBInstances');
    aws.rdsOk('eu-west-1', 'PromoteReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN }));
    expect(await db.promote(REPLICA, 'unplanned')).toEqual({ settingsFrom: expect.stringMatching(/^unknown: us-east-1 did not answer/) });
    expect(aws.rds.at(-1)?.params).toEqual({ Action: 'PromoteReadReplica', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-euw1' });
  });

  it('leaves out a backup window that would clash with the replica’s maintenance window (RDS would refuse the promotion)', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica({ extra: '<PreferredMaintenanceWindow>mon:03:15-mon:03:45</PreferredMaintenanceWindow>' }));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', extra: WRITER_BACKUPS })));
    aws.rdsOk('eu-west-1', 'PromoteReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN }));
    await db.promote(REPLICA, 'unplanned');
    expect(aws.rds.at(-1)?.params).toEqual({ Action: 'PromoteReadReplica', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-euw1', BackupRetentionPeriod: '14' });
  });
});

describe('RdsDatabase.restoreMultiAz', () => {
  it('sends ModifyDBInstance MultiAZ=true with ApplyImmediately', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'backing-up' })));
    aws.rdsOk('eu-west-1', 'ModifyDBInstance', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'backing-up' }));
    expect(await db.restoreMultiAz(REPLICA)).toBe(true);
    expect(aws.rds[1]?.params).toEqual({ Action: 'ModifyDBInstance', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-euw1', MultiAZ: 'true', ApplyImmediately: 'true' });
  });

  it('sends nothing for an instance that is Multi-AZ already', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', multiAz: true })));
    expect(await db.restoreMultiAz(REPLICA)).toBe(true);
    expect(aws.rds).toHaveLength(1);
  });

  it('answers false when RDS cannot take the change now (InvalidDBInstanceState)', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'backing-up' })));
    aws.rdsError('eu-west-1', 'ModifyDBInstance', 400, 'InvalidDBInstanceState', 'DB instance shop-db-euw1 is not in available state.');
    expect(await db.restoreMultiAz(REPLICA)).toBe(false);
  });
});

describe('RdsDatabase.retire, repeated', () => {
  const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };

  it('counts a repeat refused because the rename already happened (the old name gone, the new one taken) as done', async () => {
    aws.rdsError('us-east-1', 'ModifyDBInstance', 404, 'DBInstanceNotFound', 'DBInstance shop-db-use1 not found.');
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1-stale-1', status: 'renaming' })));
    aws.rdsError('us-east-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-use1 not found.');
    expect(await db.retire(WRITER, 'stale-1')).toBe('shop-db-use1-stale-1');
  });

  it('keeps the refusal when the new name belongs to another instance', async () => {
    aws.rdsError('us-east-1', 'ModifyDBInstance', 400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1-stale-1', extra: '<DbiResourceId>db-OTHER</DbiResourceId>' })));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', extra: '<DbiResourceId>db-MINE</DbiResourceId>' })));
    await expect(db.retire(WRITER, 'stale-1')).rejects.toThrow(/DBInstanceAlreadyExists/);
  });
});

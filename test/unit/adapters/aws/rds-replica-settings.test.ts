import { beforeEach, describe, expect, it } from 'vitest';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { backupWindowConflicts, writerSettingsFromTags, writerSettingsTag } from '../../../../src/adapters/aws/rds-replica-settings.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, STILL_CLOCK, useAwsNock, dbInstanceXml, describeDbInstancesResult } from '../../../support/aws-nock.js';

const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0987dcba-09dc-21ba-43fe-0987654321ba';
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1', kmsKeyId: KEY };
const WRITER_ARN = 'arn:aws:rds:us-east-1:123456789012:db:shop-db-use1';
const clock = STILL_CLOCK;

/** The instance being replaced, as DescribeDBInstances shows it: where it lives and how it is set up. */
const TEMPLATE =
  '<DBSubnetGroup><DBSubnetGroupName>shop-euw1-private</DBSubnetGroupName><VpcId>vpc-0shop</VpcId></DBSubnetGroup>' +
  '<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-0shopdb</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership>' +
  '<VpcSecurityGroupMembership><VpcSecurityGroupId>sg-0old</VpcSecurityGroupId><Status>removing</Status></VpcSecurityGroupMembership></VpcSecurityGroups>' +
  '<DBParameterGroups><DBParameterGroup><DBParameterGroupName>shop-postgres16</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups>' +
  '<OptionGroupMemberships><OptionGroupMembership><OptionGroupName>shop-options</OptionGroupName><Status>in-sync</Status></OptionGroupMembership></OptionGroupMemberships>' +
  '<StorageType>gp3</StorageType><Iops>12000</Iops><StorageThroughput>500</StorageThroughput>' +
  '<MonitoringInterval>60</MonitoringInterval><MonitoringRoleArn>arn:aws:iam::123456789012:role/rds-monitoring-role</MonitoringRoleArn>' +
  '<PerformanceInsightsEnabled>true</PerformanceInsightsEnabled><PerformanceInsightsKMSKeyId>arn:aws:kms:eu-west-1:123456789012:key/pi</PerformanceInsightsKMSKeyId>' +
  '<PerformanceInsightsRetentionPeriod>7</PerformanceInsightsRetentionPeriod><DeletionProtection>true</DeletionProtection>' +
  '<TagList><Tag><Key>team</Key><Value>shop</Value></Tag><Tag><Key>aws:cloudformation:stack-name</Key><Value>x</Value></Tag>' +
  '<Tag><Key>failover-controller:writer-settings</Key><Value>retention=1 multi-az=false</Value></Tag></TagList>';
const ENCRYPTED_WRITER = '<StorageEncrypted>true</StorageEncrypted><BackupRetentionPeriod>7</BackupRetentionPeriod><PreferredBackupWindow>03:00-03:30</PreferredBackupWindow>';

const nocked = useAwsNock();
let db: RdsDatabase;
let aws: AwsNock;
beforeEach(() => {
  db = new RdsDatabase(nocked.clients, { clock });
  aws = nocked.aws;
});

describe('CreateDBInstanceReadReplica with the settings of the instance it replaces (RDS API Reference, CreateDBInstanceReadReplica)', () => {
  it('reads the writer and the set-aside instance, and sends its network, groups, class, storage, monitoring, Performance Insights, deletion protection, tags and the region’s KMS key', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', multiAz: true, extra: ENCRYPTED_WRITER })));
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1-stale-3f9a1c2b', extra: TEMPLATE })));
    aws.rdsOk('eu-west-1', 'CreateDBInstanceReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'creating', source: WRITER_ARN }));
    await db.createReplica(REPLICA, WRITER, { replacesRetired: 'stale-3f9a1c2b' });
    expect(aws.rds.map((c) => [c.region, c.params['Action'], c.params['DBInstanceIdentifier']])).toEqual([
      ['us-east-1', 'DescribeDBInstances', 'shop-db-use1'],
      ['eu-west-1', 'DescribeDBInstances', 'shop-db-euw1-stale-3f9a1c2b'],
      ['eu-west-1', 'CreateDBInstanceReadReplica', 'shop-db-euw1'],
    ]);
    const { PreSignedUrl, ...params } = aws.rds[2]!.params;
    expect(params).toEqual({
      Action: 'CreateDBInstanceReadReplica',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'shop-db-euw1',
      SourceDBInstanceIdentifier: WRITER_ARN,
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'shop-euw1-private',
      'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0shopdb',
      DBParameterGroupName: 'shop-postgres16',
      OptionGroupName: 'shop-options',
      StorageType: 'gp3',
      Iops: '12000',
      StorageThroughput: '500',
      MonitoringInterval: '60',
      MonitoringRoleArn: 'arn:aws:iam::123456789012:role/rds-monitoring-role',
      EnablePerformanceInsights: 'true',
      PerformanceInsightsKMSKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/pi',
      PerformanceInsightsRetentionPeriod: '7',
      DeletionProtection: 'true',
      // AWS's own tags cannot be set; the writer-settings tag is the current writer's.
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.1.Value': 'shop',
      'Tags.Tag.2.Key': 'failover-controller:writer-settings',
      'Tags.Tag.2.Value': 'retention=7 window=03:00-03:30 multi-az=true',
      KmsKeyId: KEY,
    });
    // The SDK signs the source region's request with the KMS key in it.
    expect(new URL(PreSignedUrl ?? '').searchParams.get('KmsKeyId')).toBe(KEY);
    aws.done();
  });

  it('refuses, before creating anything, when the set-aside instance is not there: RDS would put the replica outside the VPC, behind the default security group', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-euw1-stale-1 not found.');
    const err = await db.createReplica(REPLICA, WRITER, { replacesRetired: 'stale-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/set aside as shop-db-euw1-stale-1, is not in eu-west-1.*outside the VPC, behind the default security group/);
    expect(aws.rds.map((c) => c.params['Action'])).not.toContain('CreateDBInstanceReadReplica');
  });

  it('turns AWS’s refusal of an encrypted source without a key (InvalidParameterCombination) into a PermanentError naming the setting', async () => {
    const noKey: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', extra: ENCRYPTED_WRITER })));
    aws.rdsError('eu-west-1', 'CreateDBInstanceReadReplica', 400, 'InvalidParameterCombination', 'Cannot create a cross region unencrypted read replica from encrypted source.');
    const err = await db.createReplica(noKey, WRITER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/InvalidParameterCombination: Cannot create a cross region unencrypted read replica from encrypted source\..*set regions\[eu-west-1\]\.database\.kmsKeyId/);
    expect(aws.rds[1]?.params['KmsKeyId']).toBeUndefined();
  });

  it('names neither a subnet group nor a KMS key for a same-region replica (DBSubnetGroupNotAllowedFault; "Your request does not require the KMS key parameter")', async () => {
    const sameRegion: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1-replica', kmsKeyId: 'alias/shop' };
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', extra: ENCRYPTED_WRITER })));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1-replica-stale-1', extra: TEMPLATE })));
    aws.rdsOk('us-east-1', 'CreateDBInstanceReadReplica', dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1-replica', status: 'creating', source: 'shop-db-use1' }));
    await db.createReplica(sameRegion, WRITER, { replacesRetired: 'stale-1' });
    const params = aws.rds[2]!.params;
    expect(params['SourceDBInstanceIdentifier']).toBe('shop-db-use1');
    expect(params['DBSubnetGroupName']).toBeUndefined();
    expect(params['KmsKeyId']).toBeUndefined();
    expect(params['PreSignedUrl']).toBeUndefined();
    expect(params['VpcSecurityGroupIds.VpcSecurityGroupId.1']).toBe('sg-0shopdb');
  });
});

describe('backup settings helpers', () => {
  it.each([
    ['03:00-03:30', 'sun:05:00-sun:05:30', false],
    ['03:00-03:30', 'mon:03:15-mon:03:45', true],
    ['23:45-00:15', 'tue:00:00-tue:00:30', true],
    ['22:00-22:30', 'wed:23:30-thu:00:00', false],
    ['03:00-03:30', undefined, false],
    ['03:00-03:30', 'garbage', true],
  ])('backup window %s against maintenance window %s: conflict %s', (backup, maintenance, conflict) => {
    expect(backupWindowConflicts(backup, maintenance)).toBe(conflict);
  });

  it('round-trips the writer-settings tag, and ignores one that is not readable', () => {
    const tag = writerSettingsTag({ backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
    expect(tag).toEqual({ Key: 'failover-controller:writer-settings', Value: 'retention=7 window=03:00-03:30 multi-az=true' });
    expect(writerSettingsFromTags([tag])).toEqual({ backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
    expect(writerSettingsFromTags([{ Key: 'failover-controller:writer-settings', Value: 'retention=99' }])).toBeUndefined();
    expect(writerSettingsFromTags([])).toBeUndefined();
  });
});

import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { retiredIdentifier } from '../../../../src/adapters/aws/rds-identifiers.js';
import { rdsStatus } from '../../../../src/adapters/aws/rds-status.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, dbInstanceXml, describeDbInstancesResult } from '../../../support/aws-nock.js';

const NOW = Date.UTC(2026, 10, 24, 12, 3, 30);
const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };
const WRITER_ARN = 'arn:aws:rds:us-east-1:123456789012:db:shop-db-use1';

// Time stands still: a deadline (calls to the region being left) never passes unless a test moves it.
const clock: Clock = { now: () => NOW, sleep: (_ms, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))) };
let clients: AwsClients;
let db: RdsDatabase;
let aws: AwsNock;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  db = new RdsDatabase(clients, { clock });
  aws = new AwsNock();
});
afterEach(() => {
  nock.cleanAll();
  clients.destroy();
});

/** A DescribeDBInstances answer for the replica in eu-west-1. */
function replicaAnswer(options: { status?: string; source?: string; statusInfos?: string[] } = {}): string {
  return describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: WRITER_ARN, statusInfos: ['replicating'], ...options }));
}

describe('RdsDatabase.describe (RDS instances)', () => {
  it('sends DescribeDBInstances with the identifier to the ref region, and reads a writer', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    const state = await db.describe(WRITER);
    expect(state).toEqual({ ref: WRITER, exists: true, role: 'writer', status: 'available', multiAz: false });
    expect(aws.rds).toEqual([{ region: 'us-east-1', params: { Action: 'DescribeDBInstances', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-use1' } }]);
    aws.done();
  });

  it('reads a cross-region replica: replicaOf is the region of the source ARN', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    expect(await db.describe(REPLICA)).toEqual({ ref: REPLICA, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available', multiAz: false });
  });

  it('reads a same-region replica: the source is a bare identifier, replicaOf is its own region', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer({ source: 'shop-db-euw1-primary' }));
    expect(await db.describe(REPLICA)).toMatchObject({ role: 'replica', replicaOf: 'eu-west-1' });
  });

  it('reads DBInstanceNotFound (404) as exists: false', async () => {
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-euw1 not found.');
    expect(await db.describe(REPLICA)).toEqual({ ref: REPLICA, exists: false, role: 'replica', status: 'unavailable' });
  });

  it('does not count an instance just told to promote as a writer: still available, source still set', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer({ status: 'available' }));
    expect(await db.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'available' });
  });

  it('counts an instance whose source is gone but that still reports read replication as promoting', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer({ source: '', statusInfos: ['replicating'] }));
    expect(await db.describe(REPLICA)).toEqual({ ref: REPLICA, exists: true, role: 'writer', status: 'promoting', multiAz: false });
  });

  it.each([
    ['rebooting', 'modifying'],
    ['backing-up', 'backing-up'],
    ['creating', 'creating'],
    ['stopped', 'unavailable'],
    ['storage-optimization', 'available'],
  ])('maps DBInstanceStatus %s to %s', async (status, expected) => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', status })));
    expect((await db.describe(WRITER)).status).toBe(expected);
  });

  it('translates Throttling into a TransientError and AccessDenied into a PermanentError', async () => {
    aws.rdsError('us-east-1', 'DescribeDBInstances', 400, 'Throttling', 'Rate exceeded');
    await expect(db.describe(WRITER)).rejects.toBeInstanceOf(TransientError);
    aws.rdsError('us-east-1', 'DescribeDBInstances', 500, 'InternalFailure', 'An internal error occurred');
    await expect(db.describe(WRITER)).rejects.toBeInstanceOf(TransientError);
    aws.rdsError('us-east-1', 'DescribeDBInstances', 403, 'AccessDenied', 'User is not authorized to perform: rds:DescribeDBInstances');
    const err = await db.describe(WRITER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/DescribeDBInstances shop-db-use1 \(us-east-1\): AccessDenied: User is not authorized/);
  });
});

describe('rdsStatus', () => {
  it.each([
    ['available', 'available'],
    ['storage-optimization', 'available'],
    ['creating', 'creating'],
    ['promoting', 'promoting'],
    ['failing-over', 'promoting'],
    ['modifying', 'modifying'],
    ['renaming', 'modifying'],
    ['upgrading', 'modifying'],
    ['configuring-enhanced-monitoring', 'modifying'],
    ['maintenance', 'modifying'],
    ['starting', 'modifying'],
    ['stopping', 'modifying'],
    ['stopped', 'unavailable'],
    ['failed', 'unavailable'],
    ['deleting', 'unavailable'],
    ['storage-full', 'unavailable'],
    ['restore-error', 'unavailable'],
    ['insufficient-capacity', 'unavailable'],
    ['incompatible-network', 'unavailable'],
    ['incompatible-parameters', 'unavailable'],
    ['inaccessible-encryption-credentials', 'unavailable'],
    ['inaccessible-encryption-credentials-recoverable', 'unavailable'],
    ['a-status-aws-adds-next-year', 'modifying'],
    [undefined, 'modifying'],
  ])('%s → %s', (status, expected) => {
    expect(rdsStatus(status)).toBe(expected);
  });
});

describe('RdsDatabase.promote (RDS instances)', () => {
  it.each(['planned', 'unplanned'] as const)('reads the replica and its writer, then sends PromoteReadReplica to the ref region (%s)', async (mode) => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsOk('eu-west-1', 'PromoteReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'modifying', source: WRITER_ARN }));
    await db.promote(REPLICA, mode);
    expect(aws.rds.map((c) => [c.region, c.params['Action']])).toEqual([
      ['eu-west-1', 'DescribeDBInstances'],
      ['us-east-1', 'DescribeDBInstances'],
      ['eu-west-1', 'PromoteReadReplica'],
    ]);
    expect(aws.rds[2]?.params).toEqual({ Action: 'PromoteReadReplica', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-euw1' });
  });

  it('turns InvalidDBInstanceState (not a read replica) into a PermanentError', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsError('us-east-1', 'PromoteReadReplica', 400, 'InvalidDBInstanceState', 'DB Instance shop-db-use1 is not a read replica.');
    const err = await db.promote(WRITER, 'unplanned').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/PromoteReadReplica shop-db-use1 \(us-east-1\): InvalidDBInstanceState.*not a read replica/);
  });
});

describe('RdsDatabase.createReplica (RDS instances)', () => {
  it('reads the source ARN in the source region and creates the replica in its own region with that ARN', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsOk('eu-west-1', 'CreateDBInstanceReadReplica', dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', status: 'creating', source: WRITER_ARN }));
    await db.createReplica(REPLICA, WRITER);

    expect(aws.rds.map((c) => [c.region, c.params['Action']])).toEqual([
      ['us-east-1', 'DescribeDBInstances'],
      ['eu-west-1', 'CreateDBInstanceReadReplica'],
    ]);
    const { PreSignedUrl, ...params } = aws.rds[1]!.params;
    expect(params).toEqual({
      Action: 'CreateDBInstanceReadReplica',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'shop-db-euw1',
      SourceDBInstanceIdentifier: WRITER_ARN,
      // The writer's backup and Multi-AZ settings, for the replica's own promotion later.
      'Tags.Tag.1.Key': 'failover-controller:writer-settings',
      'Tags.Tag.1.Value': 'retention=0 multi-az=false',
    });
    // SourceRegion never travels: the SDK derives the source region from the ARN and signs a
    // CreateDBInstanceReadReplica for it, with DestinationRegion, as the PreSignedUrl.
    const presigned = new URL(PreSignedUrl ?? '');
    expect(presigned.host).toBe('rds.us-east-1.amazonaws.com');
    expect(presigned.searchParams.get('Action')).toBe('CreateDBInstanceReadReplica');
    expect(presigned.searchParams.get('SourceDBInstanceIdentifier')).toBe(WRITER_ARN);
    expect(presigned.searchParams.get('DestinationRegion')).toBe('eu-west-1');
    expect(presigned.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDTEST\/\d{8}\/us-east-1\/rds\/aws4_request$/);
    aws.done();
  });

  it('names a same-region source by its identifier, as RDS requires, without a presigned URL', async () => {
    const sameRegion: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1-replica' };
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsOk('us-east-1', 'CreateDBInstanceReadReplica', dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1-replica', status: 'creating', source: 'shop-db-use1' }));
    await db.createReplica(sameRegion, WRITER);
    expect(aws.rds[1]).toEqual({
      region: 'us-east-1',
      params: {
        Action: 'CreateDBInstanceReadReplica',
        Version: '2014-10-31',
        DBInstanceIdentifier: 'shop-db-use1-replica',
        SourceDBInstanceIdentifier: 'shop-db-use1',
        'Tags.Tag.1.Key': 'failover-controller:writer-settings',
        'Tags.Tag.1.Value': 'retention=0 multi-az=false',
      },
    });
  });

  it('turns DBInstanceAlreadyExists into a PermanentError', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsError('eu-west-1', 'CreateDBInstanceReadReplica', 400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    const err = await db.createReplica(REPLICA, WRITER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/DBInstanceAlreadyExists/);
  });

  it('refuses a source that is not there before creating anything', async () => {
    aws.rdsError('us-east-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-use1 not found.');
    await expect(db.createReplica(REPLICA, WRITER)).rejects.toBeInstanceOf(PermanentError);
    expect(aws.rds.map((c) => c.params['Action'])).toEqual(['DescribeDBInstances']);
  });

  it('refuses an Aurora source for an RDS replica', async () => {
    const aurora: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: 'shop', clusterId: 'shop-use1' };
    await expect(db.createReplica(REPLICA, aurora)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('RdsDatabase.retire (RDS instances)', () => {
  it('renames with ModifyDBInstance, NewDBInstanceIdentifier and ApplyImmediately=true, and returns the new identifier', async () => {
    aws.rdsOk('us-east-1', 'ModifyDBInstance', dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', status: 'renaming' }));
    expect(await db.retire(WRITER, 'stale-3f9a1c2b')).toBe('shop-db-use1-stale-3f9a1c2b');
    expect(aws.rds).toEqual([
      {
        region: 'us-east-1',
        params: {
          Action: 'ModifyDBInstance',
          Version: '2014-10-31',
          DBInstanceIdentifier: 'shop-db-use1',
          NewDBInstanceIdentifier: 'shop-db-use1-stale-3f9a1c2b',
          ApplyImmediately: 'true',
        },
      },
    ]);
  });

  it('turns DBInstanceAlreadyExists (the new name is taken) into a PermanentError', async () => {
    aws.rdsError('us-east-1', 'ModifyDBInstance', 400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    await expect(db.retire(WRITER, 'stale-1')).rejects.toBeInstanceOf(PermanentError);
  });

  it('cuts the new identifier to 63 characters without leaving a hyphen at the end', () => {
    const id = `a${'b'.repeat(55)}`;
    expect(retiredIdentifier(id, 'stale-3f9a1c2b')).toBe(`${id}-stale`);
    expect(retiredIdentifier(id, 'stale-3f9a1c2b')).toHaveLength(62);
    expect(retiredIdentifier('Shop-DB', 'stale--1')).toBe('shop-db-stale-1');
    expect(retiredIdentifier('arn:aws:rds:eu-west-1:123456789012:cluster:shop-euw1', 'stale-1')).toBe('shop-euw1-stale-1');
  });
});

describe('RdsDatabase.replicaLag (RDS instances)', () => {
  /** Epoch seconds, as JSON 1.0 carries timestamps. */
  const at = (msAgo: number) => Math.floor((NOW - msAgo) / 60_000) * 60;

  it('asks CloudWatch in the replica region for ReplicaLag by DBInstanceIdentifier, Maximum per minute over the last 10 minutes, newest first', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', {
      MetricDataResults: [{ Id: 'lag0', Label: 'ReplicaLag', Timestamps: [at(60_000), at(120_000)], Values: [3, 7], StatusCode: 'Complete' }],
      Messages: [],
    });
    expect(await db.replicaLag(REPLICA)).toEqual({
      seconds: 3,
      at: at(60_000) * 1000,
      worstRecentSeconds: 7,
      points: [
        { at: at(120_000) * 1000, seconds: 7 },
        { at: at(60_000) * 1000, seconds: 3 },
      ],
      periodSeconds: 60,
      metric: 'ReplicaLag',
    });

    const [request] = aws.cloudWatch;
    expect(request?.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.body).toEqual({
      MetricDataQueries: [
        {
          Id: 'lag0',
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-db-euw1' }] },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
      ],
      // 12:03:30 → from 11:53:00 to 12:04:00, aligned on the minute.
      StartTime: Date.UTC(2026, 10, 24, 11, 53, 0) / 1000,
      EndTime: Date.UTC(2026, 10, 24, 12, 4, 0) / 1000,
      ScanBy: 'TimestampDescending',
    });
    aws.done();
  });

  it('is unknown, not zero, without datapoints', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Label: 'ReplicaLag', Timestamps: [], Values: [], StatusCode: 'Complete' }] });
    expect(await db.replicaLag(REPLICA)).toBeUndefined();
  });

  it('has no lag now when ReplicaLag is -1 (replication not running), and keeps the -1 as evidence', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [at(60_000)], Values: [-1], StatusCode: 'Complete' }] });
    const lag = await db.replicaLag(REPLICA);
    expect(lag).toEqual({ at: at(60_000) * 1000, points: [{ at: at(60_000) * 1000, seconds: -1 }], periodSeconds: 60, metric: 'ReplicaLag' });
    expect(lag?.seconds).toBeUndefined();
  });

  it('has no lag now when the newest datapoint is older than lagMaxAgeMs (default 5 minutes); the datapoint stays', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [at(6 * 60_000)], Values: [0], StatusCode: 'Complete' }] });
    expect(await db.replicaLag(REPLICA)).toEqual({ at: at(6 * 60_000) * 1000, worstRecentSeconds: 0, points: [{ at: at(6 * 60_000) * 1000, seconds: 0 }], periodSeconds: 60, metric: 'ReplicaLag' });

    const patient = new RdsDatabase(clients, { clock, lagMaxAgeMs: 10 * 60_000 });
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [at(6 * 60_000)], Values: [0], StatusCode: 'Complete' }] });
    expect(await patient.replicaLag(REPLICA)).toMatchObject({ seconds: 0, at: at(6 * 60_000) * 1000, worstRecentSeconds: 0 });
  });

  it('follows NextToken and takes the newest datapoint across pages', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [at(180_000)], Values: [9], StatusCode: 'PartialData' }], NextToken: 'page-2' });
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [at(60_000), at(120_000)], Values: [2, 4], StatusCode: 'Complete' }] });
    const lag = await db.replicaLag(REPLICA);
    expect(lag).toMatchObject({ seconds: 2, at: at(60_000) * 1000, worstRecentSeconds: 9 });
    // Every page's datapoints, oldest first.
    expect(lag?.points.map((p) => p.seconds)).toEqual([9, 4, 2]);
    expect(aws.cloudWatch.map((c) => c.body['NextToken'])).toEqual([undefined, 'page-2']);
    expect(aws.cloudWatch[1]?.body['MetricDataQueries']).toEqual(aws.cloudWatch[0]?.body['MetricDataQueries']);
    aws.done();
  });

  it('has no lag for a writer, and does not ask CloudWatch (its old ReplicaLag datapoints are not current)', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer({ source: '', statusInfos: [] }));
    expect(await db.replicaLag(REPLICA)).toBeUndefined();
    expect(aws.cloudWatch).toEqual([]);
  });

  it('has no lag for an instance that is not there', async () => {
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-euw1 not found.');
    expect(await db.replicaLag(REPLICA)).toBeUndefined();
  });

  it('translates CloudWatch throttling into a TransientError', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const err = await db.replicaLag(REPLICA).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/GetMetricData ReplicaLag shop-db-euw1 \(eu-west-1\)/);
  });

  it('treats a Forbidden result as a PermanentError and an InternalError result as a TransientError', async () => {
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [], Values: [], StatusCode: 'Forbidden' }] });
    await expect(db.replicaLag(REPLICA)).rejects.toBeInstanceOf(PermanentError);
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replicaAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [{ Id: 'lag0', Timestamps: [], Values: [], StatusCode: 'InternalError' }] });
    await expect(db.replicaLag(REPLICA)).rejects.toBeInstanceOf(TransientError);
  });
});

import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { globalClusterStatus } from '../../../../src/adapters/aws/rds-status.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, clusterArn, dbClusterXml, describeDbClustersResult, describeGlobalClustersResult, globalClusterResult } from '../../../support/aws-nock.js';

const NOW = Date.UTC(2026, 10, 24, 12, 3, 30);
const GLOBAL = 'shop-global';
const PRIMARY: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: GLOBAL, clusterId: 'shop-use1' };
const SECONDARY: DatabaseRef = { engine: 'aurora-global', region: 'eu-west-1', globalClusterId: GLOBAL, clusterId: 'shop-euw1' };
const PRIMARY_ARN = clusterArn('us-east-1', 'shop-use1');
const SECONDARY_ARN = clusterArn('eu-west-1', 'shop-euw1');

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

type Layout = { status?: string; failoverState?: string; sync?: string; writer?: 'us-east-1' | 'eu-west-1' };

/** DescribeGlobalClusters for the healthy layout: us-east-1 writes, eu-west-1 follows. */
function globalAnswer(options: Layout = {}): string {
  return describeGlobalClustersResult(layout(options));
}

function layout(options: Layout) {
  const writer = options.writer ?? 'us-east-1';
  return {
    id: GLOBAL,
    ...(options.status ? { status: options.status } : {}),
    ...(options.failoverState ? { failoverState: options.failoverState } : {}),
    members: [
      { arn: PRIMARY_ARN, writer: writer === 'us-east-1' },
      { arn: SECONDARY_ARN, writer: writer === 'eu-west-1', ...(options.sync ? { sync: options.sync } : {}) },
    ],
  };
}

describe('RdsDatabase.describe (Aurora global)', () => {
  it('finds the member by identifier in the ref region: a secondary is a replica of the writer member region', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    expect(await db.describe(SECONDARY)).toEqual({ ref: SECONDARY, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' });
    expect(aws.rds).toEqual([
      { region: 'eu-west-1', params: { Action: 'DescribeGlobalClusters', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL } },
      { region: 'eu-west-1', params: { Action: 'DescribeDBClusters', Version: '2014-10-31', DBClusterIdentifier: 'shop-euw1' } },
    ]);
    aws.done();
  });

  it('reads the IsWriter member as the writer', async () => {
    aws.rdsOk('us-east-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1' }));
    expect(await db.describe(PRIMARY)).toEqual({ ref: PRIMARY, exists: true, role: 'writer', status: 'available' });
  });

  it('matches a member by ARN when the ref names the cluster by ARN', async () => {
    const byArn: DatabaseRef = { ...SECONDARY, clusterId: SECONDARY_ARN };
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    expect(await db.describe(byArn)).toMatchObject({ exists: true, role: 'replica', replicaOf: 'us-east-1' });
    expect(aws.rds[1]?.params['DBClusterIdentifier']).toBe(SECONDARY_ARN);
  });

  it('reads a cluster that is neither a member of the global cluster nor there as exists: false', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult({ id: GLOBAL, members: [{ arn: PRIMARY_ARN, writer: true }] }));
    aws.rdsError('eu-west-1', 'DescribeDBClusters', 404, 'DBClusterNotFoundFault', 'DBCluster shop-euw1 not found.');
    expect(await db.describe(SECONDARY)).toMatchObject({ exists: false });
    expect(aws.rds.map((c) => c.params['Action'])).toEqual(['DescribeGlobalClusters', 'DescribeDBClusters']);
  });

  it('reads a cluster detached from the global database (RemoveFromGlobalCluster) as a standalone writer', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult({ id: GLOBAL, members: [{ arn: PRIMARY_ARN, writer: true }] }));
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1', status: 'available' }));
    expect(await db.describe(SECONDARY)).toEqual({ ref: SECONDARY, exists: true, role: 'writer', status: 'available' });
  });

  it('reads GlobalClusterNotFoundFault, and no such cluster, as exists: false', async () => {
    aws.rdsError('eu-west-1', 'DescribeGlobalClusters', 404, 'GlobalClusterNotFoundFault', `Global cluster ${GLOBAL} not found`);
    aws.rdsError('eu-west-1', 'DescribeDBClusters', 404, 'DBClusterNotFoundFault', 'DBCluster shop-euw1 not found.');
    expect(await db.describe(SECONDARY)).toMatchObject({ exists: false });
  });

  it.each([
    [{ status: 'failing-over' }, 'promoting'],
    [{ status: 'switching-over' }, 'promoting'],
    [{ failoverState: 'pending' }, 'promoting'],
    [{ status: 'modifying' }, 'modifying'],
    [{ sync: 'pending-resync' }, 'modifying'],
  ])('combines the global cluster %o into the member status %s', async (global, expected) => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer(global));
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    expect((await db.describe(SECONDARY)).status).toBe(expected);
  });

  it('takes the member cluster own status when the global cluster is available', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1', status: 'maintenance' }));
    expect((await db.describe(SECONDARY)).status).toBe('modifying');
  });

  it('maps the global cluster Status', () => {
    expect(globalClusterStatus('available')).toBe('available');
    expect(globalClusterStatus('failing-over')).toBe('promoting');
    expect(globalClusterStatus('switching-over')).toBe('promoting');
    expect(globalClusterStatus('creating')).toBe('creating');
    expect(globalClusterStatus('deleting')).toBe('unavailable');
    expect(globalClusterStatus('upgrading')).toBe('modifying');
  });
});

describe('RdsDatabase.promote (Aurora global)', () => {
  it('unplanned, the old primary not answering: FailoverGlobalCluster with AllowDataLoss=true in the secondary region', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    aws.rdsUnreachable('us-east-1', 'DescribeDBClusters');
    aws.rdsOk('eu-west-1', 'FailoverGlobalCluster', globalClusterResult(layout({ failoverState: 'pending' })));
    const outcome = await db.promote(SECONDARY, 'unplanned');
    expect(aws.rds.slice(0, 2)).toEqual([
      { region: 'eu-west-1', params: { Action: 'DescribeGlobalClusters', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL } },
      { region: 'eu-west-1', params: { Action: 'DescribeDBClusters', Version: '2014-10-31', DBClusterIdentifier: 'shop-euw1' } },
    ]);
    expect(aws.rds.at(-1)).toEqual({
      region: 'eu-west-1',
      params: { Action: 'FailoverGlobalCluster', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: SECONDARY_ARN, AllowDataLoss: 'true' },
    });
    // The run names where the lost writes will be, and that they expire.
    expect(outcome).toMatchObject({ method: 'failover', lostWrites: expect.stringMatching(/rds:unplanned-global-failover-shop-use1-<time>.*expires with shop-use1's backup retention/) });
    aws.done();
  });

  it('planned: SwitchoverGlobalCluster with the target ARN, sent to the region of the current primary', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    aws.rdsOk('us-east-1', 'SwitchoverGlobalCluster', globalClusterResult(layout({ failoverState: 'pending' })));
    expect(await db.promote(SECONDARY, 'planned')).toEqual({ method: 'switchover' });
    expect(aws.rds.map((c) => [c.region, c.params['Action']])).toEqual([
      ['eu-west-1', 'DescribeGlobalClusters'],
      ['eu-west-1', 'DescribeDBClusters'],
      ['us-east-1', 'SwitchoverGlobalCluster'],
    ]);
    expect(aws.rds[2]?.params).toEqual({ Action: 'SwitchoverGlobalCluster', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: SECONDARY_ARN });
    aws.done();
  });

  it('planned: refuses to switch over to the cluster that already writes', async () => {
    aws.rdsOk('us-east-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1' }));
    await expect(db.promote(PRIMARY, 'planned')).rejects.toBeInstanceOf(PermanentError);
    expect(aws.rds.map((c) => c.params['Action'])).toEqual(['DescribeGlobalClusters', 'DescribeDBClusters']);
  });

  it('turns InvalidGlobalClusterStateFault into a PermanentError', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    aws.rdsUnreachable('us-east-1', 'DescribeDBClusters');
    aws.rdsError('eu-west-1', 'FailoverGlobalCluster', 400, 'InvalidGlobalClusterStateFault', `Global cluster ${GLOBAL} is not in a valid state`);
    const err = await db.promote(SECONDARY, 'unplanned').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/FailoverGlobalCluster .*InvalidGlobalClusterStateFault/);
  });
});

describe('RdsDatabase.createReplica (Aurora global)', () => {
  it('does nothing for a cluster that is already a member (Aurora rebuilds the old primary as a secondary itself)', async () => {
    aws.rdsOk('us-east-1', 'DescribeGlobalClusters', globalAnswer({ writer: 'eu-west-1' }));
    await db.createReplica(PRIMARY, SECONDARY);
    expect(aws.rds.map((c) => c.params['Action'])).toEqual(['DescribeGlobalClusters']);
  });

  it('explains how to rejoin when the cluster is not a member', async () => {
    aws.rdsOk('us-east-1', 'DescribeGlobalClusters', describeGlobalClustersResult({ id: GLOBAL, members: [{ arn: SECONDARY_ARN, writer: true }] }));
    const err = await db.createReplica(PRIMARY, SECONDARY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/rds:unplanned-global-failover-/);
    expect((err as Error).message).toMatch(/CreateDBCluster in us-east-1 with GlobalClusterIdentifier=shop-global/);
  });
});

describe('RdsDatabase.retire (Aurora global)', () => {
  it('renames with ModifyDBCluster, NewDBClusterIdentifier and ApplyImmediately=true', async () => {
    aws.rdsOk('us-east-1', 'ModifyDBCluster', dbClusterXml({ region: 'us-east-1', id: 'shop-use1', status: 'renaming' }));
    expect(await db.retire(PRIMARY, 'stale-1')).toBe('shop-use1-stale-1');
    expect(aws.rds).toEqual([
      {
        region: 'us-east-1',
        params: { Action: 'ModifyDBCluster', Version: '2014-10-31', DBClusterIdentifier: 'shop-use1', NewDBClusterIdentifier: 'shop-use1-stale-1', ApplyImmediately: 'true' },
      },
    ]);
  });
});

describe('RdsDatabase.replicaLag (Aurora global)', () => {
  const at = (msAgo: number) => Math.floor((NOW - msAgo) / 60_000) * 60;

  it('reads AuroraGlobalDBRPOLag by DBClusterIdentifier in the secondary region, milliseconds to seconds', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.getMetricData('eu-west-1', {
      MetricDataResults: [
        { Id: 'lag0', Label: 'AuroraGlobalDBRPOLag', Timestamps: [at(60_000)], Values: [1500], StatusCode: 'Complete' },
        { Id: 'lag1', Label: 'AuroraGlobalDBReplicationLag', Timestamps: [at(60_000)], Values: [90], StatusCode: 'Complete' },
      ],
    });
    expect(await db.replicaLag(SECONDARY)).toEqual({
      seconds: 1.5,
      at: at(60_000) * 1000,
      worstRecentSeconds: 1.5,
      points: [{ at: at(60_000) * 1000, seconds: 1.5 }],
      periodSeconds: 60,
      metric: 'AuroraGlobalDBRPOLag',
    });
    const queries = aws.cloudWatch[0]?.body['MetricDataQueries'] as { MetricStat: { Metric: unknown } }[];
    expect(queries.map((q) => q.MetricStat.Metric)).toEqual([
      { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBRPOLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'shop-euw1' }] },
      { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'shop-euw1' }] },
    ]);
    expect(aws.cloudWatch[0]?.region).toBe('eu-west-1');
  });

  it('falls back to AuroraGlobalDBReplicationLag when AuroraGlobalDBRPOLag has no data', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.getMetricData('eu-west-1', {
      MetricDataResults: [
        { Id: 'lag0', Timestamps: [], Values: [], StatusCode: 'Complete' },
        { Id: 'lag1', Timestamps: [at(60_000), at(120_000)], Values: [250, 4000], StatusCode: 'Complete' },
      ],
    });
    expect(await db.replicaLag(SECONDARY)).toMatchObject({ seconds: 0.25, at: at(60_000) * 1000, worstRecentSeconds: 4, metric: 'AuroraGlobalDBReplicationLag' });
  });

  it('uses the bare cluster identifier as the dimension when the ref names the cluster by ARN', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', globalAnswer());
    aws.getMetricData('eu-west-1', { MetricDataResults: [] });
    expect(await db.replicaLag({ ...SECONDARY, clusterId: SECONDARY_ARN })).toBeUndefined();
    const queries = aws.cloudWatch[0]?.body['MetricDataQueries'] as { MetricStat: { Metric: { Dimensions: unknown } } }[];
    expect(queries[0]?.MetricStat.Metric.Dimensions).toEqual([{ Name: 'DBClusterIdentifier', Value: 'shop-euw1' }]);
  });

  it('has no lag for the writer, and does not ask CloudWatch', async () => {
    aws.rdsOk('us-east-1', 'DescribeGlobalClusters', globalAnswer());
    expect(await db.replicaLag(PRIMARY)).toBeUndefined();
    expect(aws.cloudWatch).toEqual([]);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { preservedName } from '../../../../src/adapters/aws/aurora-lost-writes.js';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, STILL_CLOCK, useAwsNock, clusterArn, describeDbClustersResult, describeGlobalClustersResult, type GlobalClusterShape, globalClusterResult } from '../../../support/aws-nock.js';

const GLOBAL = 'shop-global';
const PRIMARY: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: GLOBAL, clusterId: 'shop-use1' };
const SECONDARY: DatabaseRef = { engine: 'aurora-global', region: 'eu-west-1', globalClusterId: GLOBAL, clusterId: 'shop-euw1' };
const PRIMARY_ARN = clusterArn('us-east-1', 'shop-use1');
const SECONDARY_ARN = clusterArn('eu-west-1', 'shop-euw1');
const clock = STILL_CLOCK;

const nocked = useAwsNock();
let db: RdsDatabase;
let aws: AwsNock;
beforeEach(() => {
  db = new RdsDatabase(nocked.clients, { clock });
  aws = nocked.aws;
});

function shape(options: Partial<GlobalClusterShape> & { writer?: 'us-east-1' | 'eu-west-1' } = {}): GlobalClusterShape {
  const writer = options.writer ?? 'us-east-1';
  return {
    id: GLOBAL,
    ...(options.status ? { status: options.status } : {}),
    ...(options.failoverState ? { failoverState: options.failoverState } : {}),
    members: [
      { arn: PRIMARY_ARN, writer: writer === 'us-east-1' },
      { arn: SECONDARY_ARN, writer: writer === 'eu-west-1' },
    ],
  };
}

/** The reads every promotion starts with, in the secondary's region. */
function secondaryReads(engineVersion = '16.4'): void {
  aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult(shape()));
  aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1', engineVersion }));
}

describe('an unplanned Aurora promotion while the old primary answers (only the application tier failed)', () => {
  it('asks the old primary’s region for its cluster, finds it available, and switches over there: no failover with data loss', async () => {
    secondaryReads();
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1' }));
    aws.rdsOk('us-east-1', 'SwitchoverGlobalCluster', globalClusterResult(shape({ status: 'switching-over' })));
    expect(await db.promote(SECONDARY, 'unplanned')).toEqual({ method: 'switchover' });
    expect(aws.rds.slice(2)).toEqual([
      { region: 'us-east-1', params: { Action: 'DescribeDBClusters', Version: '2014-10-31', DBClusterIdentifier: PRIMARY_ARN } },
      { region: 'us-east-1', params: { Action: 'SwitchoverGlobalCluster', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: SECONDARY_ARN } },
    ]);
    aws.done();
  });

  it('fails over with data loss when the old primary answers but its cluster is not available', async () => {
    secondaryReads();
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1', status: 'inaccessible-encryption-credentials' }));
    aws.rdsOk('eu-west-1', 'FailoverGlobalCluster', globalClusterResult(shape({ status: 'failing-over' })));
    expect(await db.promote(SECONDARY, 'unplanned')).toMatchObject({ method: 'failover' });
    expect(aws.rds.at(-1)?.params).toMatchObject({ Action: 'FailoverGlobalCluster', AllowDataLoss: 'true' });
  });

  it('falls back to the failover when the old primary refuses the switchover and nothing is moving', async () => {
    secondaryReads();
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1' }));
    aws.rdsError('us-east-1', 'SwitchoverGlobalCluster', 400, 'InvalidDBClusterStateFault', 'DB cluster shop-use1 is not in a valid state.');
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult(shape()));
    aws.rdsOk('eu-west-1', 'FailoverGlobalCluster', globalClusterResult(shape({ status: 'failing-over' })));
    expect(await db.promote(SECONDARY, 'unplanned')).toMatchObject({ method: 'failover' });
    aws.done();
  });

  it('sends no failover after a refused switchover when a move is already under way (it is ours, or someone’s: either way, wait)', async () => {
    secondaryReads();
    aws.rdsOk('us-east-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'us-east-1', id: 'shop-use1' }));
    aws.rdsError('us-east-1', 'SwitchoverGlobalCluster', 400, 'InvalidGlobalClusterStateFault', `Global cluster ${GLOBAL} is not in a valid state.`);
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult(shape({ status: 'switching-over', failoverState: 'switching-over' })));
    await expect(db.promote(SECONDARY, 'unplanned')).rejects.toThrow(/InvalidGlobalClusterStateFault/);
    expect(aws.rds.map((c) => c.params['Action'])).not.toContain('FailoverGlobalCluster');
  });
});

describe('engine versions (Aurora User Guide: managed failover needs the same major and minor engine versions)', () => {
  it('describes a secondary whose version differs from the global database’s with the reason managed failover cannot work', async () => {
    secondaryReads('16.2');
    expect(await db.describe(SECONDARY)).toMatchObject({
      role: 'replica',
      managedPromotionBlocker: expect.stringMatching(/engine versions differ: global database shop-global runs 16\.4, shop-euw1 \(eu-west-1\) runs 16\.2/),
    });
  });

  it('refuses the managed promotion without sending it, and detaches with RemoveFromGlobalCluster in the secondary’s region when asked', async () => {
    secondaryReads('16.2');
    const err = await db.promote(SECONDARY, 'unplanned').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(aws.rds.map((c) => c.params['Action'])).toEqual(['DescribeGlobalClusters', 'DescribeDBClusters']);

    secondaryReads('16.2');
    aws.rdsOk('eu-west-1', 'RemoveFromGlobalCluster', globalClusterResult({ id: GLOBAL, members: [{ arn: PRIMARY_ARN, writer: true }] }));
    expect(await db.promote(SECONDARY, 'unplanned', { detach: true })).toMatchObject({ method: 'detach' });
    expect(aws.rds.at(-1)).toEqual({
      region: 'eu-west-1',
      params: { Action: 'RemoveFromGlobalCluster', Version: '2014-10-31', GlobalClusterIdentifier: GLOBAL, DbClusterIdentifier: SECONDARY_ARN },
    });
  });
});

describe('the new writer counts as soon as it is available', () => {
  it('reads a writer member whose own cluster is available as available, while the global cluster still fails over (rebuilding the other secondaries)', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult(shape({ writer: 'eu-west-1', status: 'failing-over', failoverState: 'failing-over' })));
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1' }));
    expect(await db.describe(SECONDARY)).toEqual({ ref: SECONDARY, exists: true, role: 'writer', status: 'available' });
  });

  it('does not count a writer member without a writer instance (a headless cluster takes no writes)', async () => {
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', describeGlobalClustersResult(shape({ writer: 'eu-west-1' })));
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', describeDbClustersResult({ region: 'eu-west-1', id: 'shop-euw1', writerInstance: false }));
    expect(await db.describe(SECONDARY)).toMatchObject({ role: 'writer', status: 'modifying' });
  });
});

describe('the writes an unplanned failover lost (rds:unplanned-global-failover-… snapshots)', () => {
  const snapshot = (id: string, type = 'automated') =>
    `<DBClusterSnapshot><DBClusterSnapshotIdentifier>${id}</DBClusterSnapshotIdentifier><DBClusterIdentifier>shop-use1</DBClusterIdentifier><SnapshotType>${type}</SnapshotType><Status>available</Status></DBClusterSnapshot>`;

  it('lists them with DescribeDBClusterSnapshots (every page), with the manual copy when there is one', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBClusterSnapshots', `<DBClusterSnapshots>${snapshot('rds:shop-use1-2026-11-23-03-10')}${snapshot('rds:unplanned-global-failover-shop-use1-2026-11-24-13-40')}</DBClusterSnapshots><Marker>page-2</Marker>`);
    aws.rdsOk('us-east-1', 'DescribeDBClusterSnapshots', `<DBClusterSnapshots>${snapshot('rds:unplanned-global-failover-shop-use1-2026-11-20-08-00')}${snapshot('shop-use1-lost-writes-2026-11-20-08-00', 'manual')}</DBClusterSnapshots>`);
    expect(await db.listLostWrites(PRIMARY)).toEqual([
      { id: 'rds:unplanned-global-failover-shop-use1-2026-11-24-13-40' },
      { id: 'rds:unplanned-global-failover-shop-use1-2026-11-20-08-00', preservedAs: 'shop-use1-lost-writes-2026-11-20-08-00' },
    ]);
    expect(aws.rds.map((c) => c.params)).toEqual([
      { Action: 'DescribeDBClusterSnapshots', Version: '2014-10-31', DBClusterIdentifier: 'shop-use1' },
      { Action: 'DescribeDBClusterSnapshots', Version: '2014-10-31', DBClusterIdentifier: 'shop-use1', Marker: 'page-2' },
    ]);
  });

  it('copies one to a manual snapshot with its tags, named after the cluster and the time (CopyDBClusterSnapshot)', async () => {
    aws.rdsOk('us-east-1', 'CopyDBClusterSnapshot', snapshot('shop-use1-lost-writes-2026-11-24-13-40', 'manual'));
    expect(await db.preserveLostWrites(PRIMARY, 'rds:unplanned-global-failover-shop-use1-2026-11-24-13-40')).toBe('shop-use1-lost-writes-2026-11-24-13-40');
    expect(aws.rds[0]).toEqual({
      region: 'us-east-1',
      params: {
        Action: 'CopyDBClusterSnapshot',
        Version: '2014-10-31',
        SourceDBClusterSnapshotIdentifier: 'rds:unplanned-global-failover-shop-use1-2026-11-24-13-40',
        TargetDBClusterSnapshotIdentifier: 'shop-use1-lost-writes-2026-11-24-13-40',
        CopyTags: 'true',
      },
    });
  });

  it('turns a repeat (DBClusterSnapshotAlreadyExistsFault) into a PermanentError for the step to judge by the world', async () => {
    aws.rdsError('us-east-1', 'CopyDBClusterSnapshot', 400, 'DBClusterSnapshotAlreadyExistsFault', 'Cannot create the cluster snapshot because one with the identifier shop-use1-lost-writes-x already exists.');
    await expect(db.preserveLostWrites(PRIMARY, 'rds:unplanned-global-failover-shop-use1-x')).rejects.toBeInstanceOf(PermanentError);
  });

  it('names copies as manual snapshot identifiers allow', () => {
    expect(preservedName('shop-use1', 'rds:unplanned-global-failover-shop-use1-2026-11-24-13-40')).toBe('shop-use1-lost-writes-2026-11-24-13-40');
    expect(preservedName('Shop-USE1', 'rds:unplanned-global-failover-shop-use1-2026_11_24T13:40')).toBe('shop-use1-lost-writes-2026-11-24t13-40');
    expect(preservedName('a'.repeat(250), 'rds:unplanned-global-failover-x-1')).toHaveLength(255);
  });

  it('has none for an RDS instance (its stale writer is kept by renaming it), without asking AWS', async () => {
    expect(await db.listLostWrites({ engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' })).toEqual([]);
    expect(aws.rds).toEqual([]);
  });
});

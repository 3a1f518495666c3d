import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { TransientError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { AwsNock, dbInstanceXml, describeDbInstancesResult } from '../../../support/aws-nock.js';

const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('calls that change something go out once; reads keep the SDK retries', () => {
  // Standard retry mode, 3 attempts, as the deployed functions run.
  const clients = () => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });

  it('does not re-send PromoteReadReplica after a 503 (AWS may have accepted it): one request, a transient error', async () => {
    const aws = new AwsNock();
    // The promotion first reads the replica (and, bounded, its writer for the backup settings to restore).
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1', source: 'arn:aws:rds:us-east-1:123456789012:db:shop-db-use1' })));
    aws.rdsOk('us-east-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1' })));
    aws.rdsError('eu-west-1', 'PromoteReadReplica', 503, 'ServiceUnavailable', 'try later');
    aws.rdsError('eu-west-1', 'PromoteReadReplica', 503, 'ServiceUnavailable', 'try later');
    const pool = clients();
    try {
      const still = { now: () => 0, sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))) };
      await expect(new RdsDatabase(pool, { clock: still }).promote(REPLICA, 'unplanned')).rejects.toBeInstanceOf(TransientError);
      expect(aws.rds.filter((c) => c.params['Action'] === 'PromoteReadReplica')).toHaveLength(1);
    } finally {
      pool.destroy();
    }
  });

  it('retries DescribeDBInstances after a 503, as the SDK does', async () => {
    const aws = new AwsNock();
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 503, 'ServiceUnavailable', 'try later');
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-euw1' })));
    const pool = clients();
    try {
      expect(await new RdsDatabase(pool, { clock: { now: () => 0, sleep: async () => undefined } }).describe(REPLICA)).toMatchObject({ exists: true });
      expect(aws.rds).toHaveLength(2);
    } finally {
      pool.destroy();
    }
  });
});

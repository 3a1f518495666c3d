import { CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { dnsSuffix, partitionOfRegion, partitionOfRegions, regionalHost, route53Region } from '../../../../src/adapters/aws/partition.js';
import { withPartitionPresign } from '../../../../src/adapters/aws/rds-presign.js';
import { Route53Dns } from '../../../../src/adapters/aws/route53-dns.js';
import { route53Options } from '../../../../src/adapters/aws/route53-options.js';
import { presignGetUrl } from '../../../../src/adapters/aws/sigv4-presign.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { ConfigError } from '../../../../src/config/config-error.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import { FakeRoute53 } from '../../../support/fake-route53.js';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
/** 2026-11-24T12:00:00Z: presigned URLs carry it, so the expectations can too. */
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const clock: Clock = { now: () => NOW, sleep: async () => {} };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function config(regions: [string, string]) {
  return validateConfig({
    provider: 'aws',
    applications: [
      {
        name: 'shop',
        regions: regions.map((name) => ({
          name,
          probes: [{ url: `https://shop-${name}.example.com/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0PARTITION', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
}

describe('AWS partitions', () => {
  it('tells the partition from the region name', () => {
    expect(['us-east-1', 'eu-west-1', 'ap-southeast-2'].map(partitionOfRegion)).toEqual(['aws', 'aws', 'aws']);
    expect(['cn-north-1', 'cn-northwest-1'].map(partitionOfRegion)).toEqual(['aws-cn', 'aws-cn']);
    expect(['us-gov-west-1', 'us-gov-east-1'].map(partitionOfRegion)).toEqual(['aws-us-gov', 'aws-us-gov']);
    expect(() => partitionOfRegion('us-iso-east-1')).toThrow(PermanentError);
    expect(partitionOfRegions(['cn-north-1', 'cn-northwest-1'])).toBe('aws-cn');
    expect(() => partitionOfRegions(['us-east-1', 'cn-north-1'])).toThrow(/span the AWS partitions aws, aws-cn/);
  });

  it('builds regional hosts with the partition suffix, and picks Route 53 region per partition (r53.html: us-east-1, cn-northwest-1)', () => {
    expect(dnsSuffix('aws-cn')).toBe('amazonaws.com.cn');
    expect(regionalHost('rds', 'cn-north-1')).toBe('rds.cn-north-1.amazonaws.com.cn');
    expect(regionalHost('rds', 'us-gov-west-1')).toBe('rds.us-gov-west-1.amazonaws.com');
    expect(regionalHost('rds', 'eu-west-1')).toBe('rds.eu-west-1.amazonaws.com');
    expect([route53Region('aws'), route53Region('aws-cn'), route53Region('aws-us-gov')]).toEqual(['us-east-1', 'cn-northwest-1', 'us-gov-west-1']);
  });

  it('a configuration names regions of one partition only, and its Route 53 options carry that partition', () => {
    expect(route53Options(config(['cn-north-1', 'cn-northwest-1']), clock).partition).toBe('aws-cn');
    expect(route53Options(config(['us-gov-west-1', 'us-gov-east-1']), clock).partition).toBe('aws-us-gov');
    const mixed = (() => {
      try {
        config(['us-east-1', 'cn-north-1']);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(mixed).toBeInstanceOf(ConfigError);
    expect((mixed as ConfigError).issues).toContainEqual({
      path: 'applications[0].regions[1].name',
      message: 'is in the AWS partition aws-cn, applications[0].regions[0].name in aws: every region of one deployment must be in the same partition',
    });
  });
});

describe('Route53Dns in the China and GovCloud partitions (over nock on the partition endpoints)', () => {
  it.each([
    ['aws-cn', 'https://route53.amazonaws.com.cn', 'cn-northwest-1'],
    ['aws-us-gov', 'https://route53.us-gov.amazonaws.com', 'us-gov-west-1'],
  ] as const)('%s: lists and changes records at %s, signed for %s', async (partition, endpoint, signingRegion) => {
    const fake = new FakeRoute53({ now: () => NOW, propagationMs: 0, endpoint }).install();
    fake.seed('Z0PARTITION', [{ name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['shop-a.example.com'] }]);
    const clients = new AwsClients({ credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const dns = new Route53Dns(clients, { clock, partition, requestsPerSecond: 100 });
      const [read] = await dns.listRecords('Z0PARTITION', 'shop.example.com.');
      await dns.changeRecords('Z0PARTITION', [{ action: 'DELETE', record: read! }, { action: 'CREATE', record: { ...read!, values: ['shop-b.example.com'] } }], 'switch');
      expect(fake.records('Z0PARTITION')[0]?.values).toEqual(['shop-b.example.com']);
      expect(fake.calls.map((c) => [c.operation, c.status])).toEqual([
        ['ListResourceRecordSets', 200],
        ['ChangeResourceRecordSets', 200],
      ]);
      // The SDK signs requests with the wall clock: only the date part of the scope is not fixed.
      expect(fake.calls.map((c) => c.scope?.replace(/^\d{8}\//, ''))).toEqual([`${signingRegion}/route53/aws4_request`, `${signingRegion}/route53/aws4_request`]);
    } finally {
      fake.close();
      clients.destroy();
    }
  });
});

/** The form body of the CreateDBInstanceReadReplica that reached nock. */
async function sendReplicaCreate(destination: string, source: string, hook: boolean): Promise<URLSearchParams> {
  let form = new URLSearchParams();
  nock(`https://${regionalHost('rds', destination)}`)
    .post('/')
    .reply((_uri, body) => {
      form = new URLSearchParams(String(body));
      return [
        200,
        '<CreateDBInstanceReadReplicaResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><CreateDBInstanceReadReplicaResult><DBInstance><DBInstanceIdentifier>shop-db</DBInstanceIdentifier></DBInstance></CreateDBInstanceReadReplicaResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></CreateDBInstanceReadReplicaResponse>',
        { 'content-type': 'text/xml' },
      ];
    });
  const client = new RDSClient({ region: destination, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    const command = new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'shop-db', SourceDBInstanceIdentifier: source });
    await client.send(hook ? withPartitionPresign(client, command, clock) : command);
  } finally {
    client.destroy();
  }
  return form;
}

describe('the PreSignedUrl of a cross-region CreateDBInstanceReadReplica (API reference: "applies only to AWS GovCloud (US) Regions and China AWS Regions")', () => {
  const CN_SOURCE = 'arn:aws-cn:rds:cn-north-1:123456789012:db:shop-db-bjs';

  it('without the hook, the SDK presigns for rds.cn-north-1.amazonaws.com, a host China does not have', async () => {
    const form = await sendReplicaCreate('cn-northwest-1', CN_SOURCE, false);
    expect(new URL(form.get('PreSignedUrl')!).host).toBe('rds.cn-north-1.amazonaws.com');
  });

  it('China: presigns CreateDBInstanceReadReplica for rds.cn-north-1.amazonaws.com.cn, scoped to the source region, with DestinationRegion', async () => {
    const form = await sendReplicaCreate('cn-northwest-1', CN_SOURCE, true);
    expect(form.get('Action')).toBe('CreateDBInstanceReadReplica');
    expect(form.get('SourceDBInstanceIdentifier')).toBe(CN_SOURCE);
    const url = new URL(form.get('PreSignedUrl')!);
    expect(url.host).toBe('rds.cn-north-1.amazonaws.com.cn');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'CreateDBInstanceReadReplica',
      Version: '2014-10-31',
      DestinationRegion: 'cn-northwest-1',
      SourceDBInstanceIdentifier: CN_SOURCE,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDTEST/20261124/cn-north-1/rds/aws4_request',
      'X-Amz-Date': '20261124T120000Z',
      'X-Amz-Expires': '3600',
      'X-Amz-SignedHeaders': 'host',
    });
  });

  it('GovCloud: presigns for rds.us-gov-east-1.amazonaws.com', async () => {
    const form = await sendReplicaCreate('us-gov-west-1', 'arn:aws-us-gov:rds:us-gov-east-1:123456789012:db:shop-db-east', true);
    const url = new URL(form.get('PreSignedUrl')!);
    expect(url.host).toBe('rds.us-gov-east-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDTEST/20261124/us-gov-east-1/rds/aws4_request');
  });

  it('a same-region source (identifier or ARN in the replica region) gets no PreSignedUrl', async () => {
    expect((await sendReplicaCreate('cn-northwest-1', 'shop-db-zhy', true)).get('PreSignedUrl')).toBeNull();
    expect((await sendReplicaCreate('cn-northwest-1', 'arn:aws-cn:rds:cn-northwest-1:123456789012:db:shop-db-zhy', true)).get('PreSignedUrl')).toBeNull();
  });
});

describe('presignGetUrl', () => {
  it.each([
    ['long-term credentials', CREDENTIALS],
    ['session credentials', { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE/token+with=chars' }],
  ])('presigns for the host it is given, scoped to the source region, with %s', async (_what, credentials) => {
    const query = { Action: 'CreateDBInstanceReadReplica', Version: '2014-10-31', DestinationRegion: 'cn-northwest-1', SourceDBInstanceIdentifier: 'arn:aws-cn:rds:cn-north-1:123456789012:db:shop (1)*' };
    const client = new RDSClient({ region: 'cn-north-1', credentials });
    const url = new URL(await presignGetUrl({ host: 'rds.cn-north-1.amazonaws.com.cn', region: 'cn-north-1', service: 'rds', query, credentials, sha256: client.config.sha256, now: NOW, expiresInSeconds: 3600 }));
    client.destroy();
    expect(url.host).toBe('rds.cn-north-1.amazonaws.com.cn');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({ ...query, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Expires': '3600', 'X-Amz-SignedHeaders': 'host' });
    expect(params['X-Amz-Credential']).toMatch(/^AKID[A-Z0-9]*\/\d{8}\/cn-north-1\/rds\/aws4_request$/);
    expect(params['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    if ('sessionToken' in credentials) expect(params['X-Amz-Security-Token']).toBe(credentials.sessionToken);
  });
});

import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { ElastiCacheGlobalDatastore } from '../../../../src/adapters/aws/elasticache-global.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';

const XMLNS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
const REF = { globalReplicationGroupId: 'ldgnf-shop-sessions', region: 'eu-west-1' };

interface Sent {
  region: string;
  params: Record<string, string>;
}

/** Answer the next ElastiCache request to `region` with this status and XML, recording what was sent. */
function answer(region: string, status: number, xml: string, sent: Sent[] = []): Sent[] {
  nock(`https://elasticache.${region}.amazonaws.com`)
    .post('/')
    .reply((_uri, body) => {
      sent.push({ region, params: Object.fromEntries(new URLSearchParams(body as string)) });
      return [status, `<?xml version="1.0"?>\n${xml}`, { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' }];
    });
  return sent;
}

function ok(action: string, result: string): string {
  return (
    `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`
  );
}

function error(code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>req-1</RequestId></ErrorResponse>`
  );
}

function member(id: string, region: string, role: string): string {
  return (
    `<GlobalReplicationGroupMember><ReplicationGroupId>${id}</ReplicationGroupId><ReplicationGroupRegion>${region}</ReplicationGroupRegion>` +
    `<Role>${role}</Role><AutomaticFailover>enabled</AutomaticFailover><Status>associated</Status></GlobalReplicationGroupMember>`
  );
}

function groups(status: string, members: string): string {
  return (
    `<GlobalReplicationGroups><GlobalReplicationGroup><GlobalReplicationGroupId>ldgnf-shop-sessions</GlobalReplicationGroupId>` +
    `<Status>${status}</Status><Engine>redis</Engine><Members>${members}</Members>` +
    `<ARN>arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-shop-sessions</ARN></GlobalReplicationGroup></GlobalReplicationGroups>`
  );
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('ElastiCacheGlobalDatastore on the wire (Query protocol, 2015-02-02)', () => {
  const clients = (maxAttempts = 1) => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts });

  it('DescribeGlobalReplicationGroups in the ref’s region, with ShowMemberInfo; roles in whatever case AWS writes them', async () => {
    const sent = answer(
      'eu-west-1',
      200,
      ok(
        'DescribeGlobalReplicationGroups',
        groups('available', member('shop-sessions-use1', 'us-east-1', 'PRIMARY') + member('shop-sessions-euw1', 'eu-west-1', 'secondary')),
      ),
    );
    const pool = clients();
    try {
      expect(await new ElastiCacheGlobalDatastore(pool).describe(REF)).toEqual({
        ref: REF,
        status: 'available',
        members: [
          { replicationGroupId: 'shop-sessions-use1', region: 'us-east-1', role: 'primary', status: 'associated' },
          { replicationGroupId: 'shop-sessions-euw1', region: 'eu-west-1', role: 'secondary', status: 'associated' },
        ],
      });
    } finally {
      pool.destroy();
    }
    expect(sent).toEqual([
      {
        region: 'eu-west-1',
        params: {
          Action: 'DescribeGlobalReplicationGroups',
          Version: '2015-02-02',
          GlobalReplicationGroupId: 'ldgnf-shop-sessions',
          ShowMemberInfo: 'true',
        },
      },
    ]);
  });

  it('FailoverGlobalReplicationGroup: the datastore, PrimaryRegion and PrimaryReplicationGroupId, sent once even with SDK retries', async () => {
    const sent = answer(
      'eu-west-1',
      200,
      ok('FailoverGlobalReplicationGroup', groups('modifying', '').replace(/<\/?GlobalReplicationGroups>/g, '')),
    );
    const pool = clients(3);
    try {
      const cache = new ElastiCacheGlobalDatastore(pool);
      await cache.failover(REF, 'eu-west-1', 'shop-sessions-euw1');
      expect(sent[0]!.params).toEqual({
        Action: 'FailoverGlobalReplicationGroup',
        Version: '2015-02-02',
        GlobalReplicationGroupId: 'ldgnf-shop-sessions',
        PrimaryRegion: 'eu-west-1',
        PrimaryReplicationGroupId: 'shop-sessions-euw1',
      });
      const again = answer('eu-west-1', 503, error('ServiceUnavailable', 'busy'));
      answer('eu-west-1', 200, ok('FailoverGlobalReplicationGroup', ''), again);
      await expect(cache.failover(REF, 'eu-west-1', 'shop-sessions-euw1')).rejects.toThrow(TransientError);
      expect(again).toHaveLength(1);
    } finally {
      pool.destroy();
    }
  });

  it('translates ElastiCache errors: not available is permanent, a missing datastore permanent and named', async () => {
    const pool = clients();
    try {
      const cache = new ElastiCacheGlobalDatastore(pool);
      answer(
        'eu-west-1',
        400,
        error('InvalidGlobalReplicationGroupState', 'Global replication group ldgnf-shop-sessions is not in available state.'),
      );
      const refused = await cache.failover(REF, 'eu-west-1', 'shop-sessions-euw1').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermanentError);
      expect((refused as Error).message).toMatch(
        /^FailoverGlobalReplicationGroup ldgnf-shop-sessions \(from eu-west-1\) to shop-sessions-euw1 \(eu-west-1\): InvalidGlobalReplicationGroupState/,
      );
      answer('eu-west-1', 404, error('GlobalReplicationGroupNotFoundFault', 'GlobalReplicationGroup ldgnf-shop-sessions not found'));
      await expect(cache.describe(REF)).rejects.toThrow(PermanentError);
      answer('eu-west-1', 400, error('Throttling', 'Rate exceeded'));
      await expect(cache.describe(REF)).rejects.toThrow(TransientError);
    } finally {
      pool.destroy();
    }
  });

  it('refuses an answer whose member has no role it knows', async () => {
    answer(
      'eu-west-1',
      200,
      ok('DescribeGlobalReplicationGroups', groups('available', member('shop-sessions-use1', 'us-east-1', 'arbiter'))),
    );
    const pool = clients();
    try {
      await expect(new ElastiCacheGlobalDatastore(pool).describe(REF)).rejects.toThrow(
        /role of primary\/secondary: shop-sessions-use1 in us-east-1 with role arbiter/,
      );
    } finally {
      pool.destroy();
    }
  });
});

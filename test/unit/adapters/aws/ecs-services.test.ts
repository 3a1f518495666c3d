import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { EcsServices } from '../../../../src/adapters/aws/ecs-services.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';

const REF = { region: 'eu-west-1', cluster: 'shop', service: 'web' };

interface Sent {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** Answer the next ECS request to eu-west-1 with this status and JSON, recording what was sent. */
function answer(status: number, json: Record<string, unknown>, sent: Sent[] = [], headers: Record<string, string> = {}): Sent[] {
  nock('https://ecs.eu-west-1.amazonaws.com')
    .post('/')
    .reply(function (_uri, body) {
      sent.push({ headers: this.req.headers, body: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown> });
      return [status, JSON.stringify(json), { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1', ...headers }];
    });
  return sent;
}

const SERVICE = {
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/shop/web',
  serviceName: 'web',
  status: 'ACTIVE',
  desiredCount: 4,
  runningCount: 2,
  pendingCount: 1,
  deployments: [
    { id: 'ecs-svc/2', status: 'PRIMARY', desiredCount: 4, runningCount: 1, pendingCount: 1, rolloutState: 'IN_PROGRESS' },
    { id: 'ecs-svc/1', status: 'ACTIVE', desiredCount: 0, runningCount: 1, pendingCount: 0, rolloutState: 'COMPLETED' },
  ],
  events: [
    {
      id: 'e2',
      createdAt: 1_764_000_060,
      message: '(service web) was unable to place a task because no container instance met all of its requirements.',
    },
    { id: 'e1', createdAt: 1_764_000_000, message: '(service web) has started 2 tasks: (task a) (task b).' },
  ],
};

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('EcsServices on the wire (ECS JSON 1.1)', () => {
  const clients = (maxAttempts = 1) => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts });

  it('DescribeServices: the target header, the cluster and the one service; the primary deployment and newest event come back', async () => {
    const sent = answer(200, { services: [SERVICE], failures: [] });
    const pool = clients();
    try {
      expect(await new EcsServices(pool).describeService(REF)).toEqual({
        ref: REF,
        status: 'ACTIVE',
        desiredCount: 4,
        runningCount: 2,
        pendingCount: 1,
        deployments: 2,
        rolloutState: 'IN_PROGRESS',
        latestEvent: '(service web) was unable to place a task because no container instance met all of its requirements.',
      });
    } finally {
      pool.destroy();
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['x-amz-target']).toBe('AmazonEC2ContainerServiceV20141113.DescribeServices');
    expect(sent[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(sent[0]!.body).toEqual({ cluster: 'shop', services: ['web'] });
  });

  it('finds the service by ARN too', async () => {
    answer(200, { services: [SERVICE], failures: [] });
    const pool = clients();
    try {
      expect((await new EcsServices(pool).describeService({ ...REF, service: SERVICE.serviceArn })).desiredCount).toBe(4);
    } finally {
      pool.destroy();
    }
  });

  it('a service listed under failures (MISSING) is a PermanentError naming it, though the call succeeded', async () => {
    answer(200, { services: [], failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/shop/web', reason: 'MISSING' }] });
    const pool = clients();
    try {
      const err = await new EcsServices(pool).describeService(REF).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toBe(
        'DescribeServices web in cluster shop (eu-west-1): MISSING: no service web in cluster shop in eu-west-1',
      );
    } finally {
      pool.destroy();
    }
  });

  it('UpdateService: the desired count alone (no task definition, no forced deployment), sent once even with SDK retries', async () => {
    const sent = answer(200, { service: SERVICE });
    const pool = clients(3);
    try {
      await new EcsServices(pool).setDesiredCount(REF, 6);
      expect(sent[0]!.headers['x-amz-target']).toBe('AmazonEC2ContainerServiceV20141113.UpdateService');
      expect(sent[0]!.body).toEqual({ cluster: 'shop', service: 'web', desiredCount: 6 });

      // A 500 may come after ECS applied it: the change client does not re-send, the engine reads the world.
      const again = answer(500, { __type: 'ServerException', message: 'internal error' });
      answer(200, { service: SERVICE }, again);
      await expect(new EcsServices(pool).setDesiredCount(REF, 6)).rejects.toThrow(TransientError);
      expect(again).toHaveLength(1);
    } finally {
      pool.destroy();
    }
  });

  it('translates ECS errors: throttling transient, a missing service or cluster permanent, with AWS’s words', async () => {
    const pool = clients();
    try {
      const ecs = new EcsServices(pool);
      answer(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      await expect(ecs.describeService(REF)).rejects.toThrow(TransientError);
      answer(400, { __type: 'ServiceNotFoundException', message: 'Service not found.' });
      await expect(ecs.setDesiredCount(REF, 2)).rejects.toThrow(
        new PermanentError('UpdateService web in cluster shop (eu-west-1): ServiceNotFoundException: Service not found. (request req-1)'),
      );
      answer(400, { __type: 'ClusterNotFoundException', message: 'Cluster not found.' });
      await expect(ecs.describeService(REF)).rejects.toThrow(
        /^DescribeServices web in cluster shop \(eu-west-1\): ClusterNotFoundException: Cluster not found\./,
      );
    } finally {
      pool.destroy();
    }
  });

  it('refuses a desired count that is not a whole number >= 0 without a request', async () => {
    const pool = clients();
    try {
      await expect(new EcsServices(pool).setDesiredCount(REF, -1)).rejects.toThrow(PermanentError);
      expect(nock.pendingMocks()).toEqual([]);
    } finally {
      pool.destroy();
    }
  });
});

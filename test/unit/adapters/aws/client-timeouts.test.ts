import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { AutoScalingCompute } from '../../../../src/adapters/aws/autoscaling-compute.js';
import { RdsDatabase } from '../../../../src/adapters/aws/rds-database.js';
import { latestLag } from '../../../../src/adapters/aws/replica-lag.js';
import { TransientError } from '../../../../src/errors/errors.js';
import { STILL_CLOCK } from '../../../support/aws-nock.js';

/** An endpoint that accepts connections and never answers: a region in trouble, as it usually looks. */
async function hangingEndpoint(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => requests++);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('client deadlines: a call into a region that never answers ends at its deadline, as a transient error', () => {
  it('DescribeDBInstances against a hanging RDS endpoint fails with TransientError naming the call, after one request', async () => {
    const endpoint = await hangingEndpoint();
    const clients = new AwsClients({
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      endpoints: { rds: endpoint.url },
      timeouts: { rds: { connectionTimeout: 1_000, requestTimeout: 300 } },
    });
    cleanup.push(endpoint.close, async () => clients.destroy());
    const err = await new RdsDatabase(clients, { clock: STILL_CLOCK }).describe({ engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/DescribeDBInstances shop-db-use1 \(us-east-1\): .*TimeoutError|timed? ?out/i);
    expect(endpoint.requests()).toBe(1);
  });

  it('GetMetricData and DescribeAutoScalingGroups against hanging endpoints fail the same way: unknown, never waited for', async () => {
    const [cloudwatch, autoscaling] = [await hangingEndpoint(), await hangingEndpoint()];
    const clients = new AwsClients({
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      endpoints: { cloudwatch: cloudwatch.url, autoscaling: autoscaling.url },
      timeouts: { cloudwatch: { connectionTimeout: 1_000, requestTimeout: 300 }, autoscaling: { connectionTimeout: 1_000, requestTimeout: 300 } },
    });
    cleanup.push(cloudwatch.close, autoscaling.close, async () => clients.destroy());
    const metric = { metricName: 'ReplicaLag', dimension: { name: 'DBInstanceIdentifier', value: 'shop-db-euw1' }, unit: 'seconds' } as const;
    const window = { now: Date.UTC(2026, 10, 24, 12), windowMs: 600_000, periodSeconds: 60, maxAgeMs: 300_000 };
    const lag = await latestLag(clients.cloudWatch('eu-west-1'), 'GetMetricData ReplicaLag shop-db-euw1', [metric], window).catch((e: unknown) => e);
    expect(lag).toBeInstanceOf(TransientError);
    const group = await new AutoScalingCompute(clients).describeGroup({ region: 'eu-west-1', groupName: 'shop-web-euw1' }).catch((e: unknown) => e);
    expect(group).toBeInstanceOf(TransientError);
    expect([cloudwatch.requests(), autoscaling.requests()]).toEqual([1, 1]);
  });
});

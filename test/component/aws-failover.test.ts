import nock from 'nock';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { createAwsProviders } from '../../src/adapters/aws/aws-providers.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { validateConfig } from '../../src/config/load-config.js';
import { Controller } from '../../src/controller/controller.js';
import { ownerValue } from '../../src/dns/record-switch.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { RegionalEndpoint } from '../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { FakeAutoScaling } from '../support/fake-autoscaling.js';
import { FakeRds } from '../support/fake-rds.js';
import { FakeRoute53 } from '../support/fake-route53.js';
import { countInflight } from '../support/inflight.js';
import { ManualClock } from '../support/manual-clock.js';
import { judgeRegions } from '../support/warm.js';

const REGIONS = ['us-east-1', 'eu-west-1'];

// Only the fakes answer AWS calls; the probes still reach the loopback endpoints.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('provider: aws — the same runbook against AWS-shaped APIs (stateful fakes of Route 53, RDS, Auto Scaling)', () => {
  let endpoints: RegionalEndpoint[] = [];
  let prober: HttpProber | undefined;
  const fakes: { close(): void }[] = [];
  afterEach(async () => {
    fakes.splice(0).forEach((f) => f.close());
    await prober?.close();
    await Promise.all(endpoints.map((e) => e.stop()));
  });

  it('fails over: promotes the RDS replica, scales the group, switches the record, all through the AWS adapters', async () => {
    endpoints = await Promise.all(REGIONS.map((r) => SimWorld.endpoint(r)));
    let awsInflight = () => 0;
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 12), () => (prober?.inflight() ?? 0) > 0 || awsInflight() > 0);
    prober = new HttpProber({ clock, concurrency: 4 });
    const config = validateConfig({
      provider: 'aws',
      applications: [
        {
          name: 'shop',
          regions: REGIONS.map((name, i) => ({
            name,
            probes: [{ url: endpoints[i]!.url('/health'), timeoutMs: 1000 }],
            database: { engine: 'rds', instanceId: `shop-db-${name}` },
            compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
            dns: { hostedZoneId: 'Z0AWS', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
          })),
        },
      ],
    });

    const route53 = new FakeRoute53({ now: () => clock.now(), propagationMs: 20_000 }).install();
    route53.seed('Z0AWS', [
      { name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['shop-us-east-1.example.com'] },
      { name: '_failover-owner.shop.example.com.', type: 'TXT', ttl: 300, values: [ownerValue('shop')] },
    ]);
    const rds = new FakeRds({ regions: REGIONS, now: () => clock.now(), delays: { promoteAcceptMs: 5_000, promoteMs: 60_000, replicaCreateMs: 120_000, renameMs: 10_000 } }).install();
    rds.addWriter('us-east-1', 'shop-db-us-east-1');
    rds.addReplica('eu-west-1', 'shop-db-eu-west-1', { region: 'us-east-1', id: 'shop-db-us-east-1' });
    // CloudWatch in the standby region: ReplicaLag of the replica, 0.4 s a minute for the last ten minutes (newest first, periods aligned on the minute).
    const minutesAgo = (n: number) => (Math.floor(clock.now() / 60_000) - n) * 60;
    const cloudWatch = nock('https://monitoring.eu-west-1.amazonaws.com')
      .persist()
      .post('/')
      .reply(200, () => ({
        MetricDataResults: [{ Id: 'lag0', Label: 'ReplicaLag', Timestamps: Array.from({ length: 10 }, (_, i) => minutesAgo(i + 1)), Values: Array<number>(10).fill(0.4), StatusCode: 'Complete' }],
      }), { 'content-type': 'application/x-amz-json-1.0' });
    fakes.push({ close: () => nock.removeInterceptor(cloudWatch as unknown as nock.Interceptor) });
    const asg = REGIONS.map((region) => new FakeAutoScaling({ region, now: () => clock.now(), bootMs: 45_000, terminateMs: 10_000 }).install());
    asg[0]!.addGroup({ name: 'shop-web-us-east-1', minSize: 4, maxSize: 4, desiredCapacity: 4 });
    asg[1]!.addGroup({ name: 'shop-web-eu-west-1', minSize: 1, maxSize: 2, desiredCapacity: 1 });
    fakes.push(route53, rds, ...asg);

    // Calls waiting on the adapters' own clock (Route 53's rate limiter) are not busy: they wait for time to move.
    let waiting = 0;
    const adapterClock = {
      now: () => clock.now(),
      sleep: async (ms: number, signal?: AbortSignal) => {
        waiting++;
        try {
          await clock.sleep(ms, signal);
        } finally {
          waiting--;
        }
      },
    };
    const counted = countInflight(createAwsProviders(config, { clock: adapterClock, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }));
    const cloud = counted.cloud;
    awsInflight = () => counted.inflight() - waiting;
    const store = new MemoryStateStore();
    const controller = new Controller({ config, clock, store, cloud, prober, log: pino({ level: 'silent' }), runbooks });
    await controller.init();
    expect((await controller.status()).applications[0]!.activeRegion).toBe('us-east-1');
    // Probe rounds judge the standby healthy: an operator's failover is gated on it.
    await judgeRegions({ controller, clock });

    const plan = await controller.plan({ kind: 'failover' });
    expect(plan.steps.map((s) => [s.id, s.current, s.action])).toEqual([
      ['check-data-loss-within-rpo', expect.stringMatching(/^estimated data loss up to 0\.4 s of writes/), 'none'],
      ['fence-epoch-to-standby', 'no epoch yet (applications that check it write where they are)', 'act'],
      ['fence-old-writer', 'not fenced', 'act'],
      ['approve-detach-standby-database', 'not needed: an RDS replica is promoted on its own', 'none'],
      ['promote-standby-database', 'replica of us-east-1 (available)', 'act'],
      ['scale-up-standby-compute', 'desired 1 (min 1, max 2), 1 in service', 'act'],
      ['switch-dns-to-standby', 'shop-us-east-1.example.com', 'act'],
      ['verify-application-in-standby', '1/1 probes ok', 'none'],
    ]);

    // Its MaxSize (2) is below activeCapacity (4): readiness fails and the gate refuses; the run raises MaxSize, so the drill insists.
    await expect(controller.failover({ to: 'eu-west-1', reason: 'aws drill', by: 'test-operator' })).rejects.toThrow(/compute-capacity: Auto Scaling group shop-web-eu-west-1 has MaxSize 2, below activeCapacity 4/);
    const run = await controller.failover({ to: 'eu-west-1', reason: 'aws drill: the run raises MaxSize', by: 'test-operator', force: true });
    expect(run.forced).toEqual({ by: 'test-operator', reason: 'aws drill: the run raises MaxSize', overridden: [expect.stringMatching(/^compute-capacity: /)] });
    expect(await clock.advanceUntil(async () => (await store.getRun(run.id))!.status !== 'running', { stepMs: 1_000, maxMs: 30 * 60_000 })).toBe(true);
    const finished = (await store.getRun(run.id))!;
    expect(finished.status, finished.error).toBe('succeeded');
    // The old writer's region answered no RebootDBInstance: its fence stays pending, for the controller to retry; the failover did not wait for it.
    expect(finished.steps.find((st) => st.id === 'fence-old-writer')?.message).toMatch(/fence pending after 1 attempt\(s\).*retried every controller tick until us-east-1 answers/);
    // After the run, the controller reads DNS once more, through the account's Route 53 rate share (a simulated second or so).
    expect(await clock.advanceUntil(async () => (await controller.status()).applications[0]!.activeRegion === 'eu-west-1', { stepMs: 500, maxMs: 5_000 })).toBe(true);

    // The AWS-side world, as the fakes hold it.
    const cname = route53.records('Z0AWS').find((r) => r.type === 'CNAME');
    expect(cname?.values).toEqual(['shop-eu-west-1.example.com']);
    expect(await cloud.database.describe({ engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-eu-west-1' })).toMatchObject({ role: 'writer', status: 'available' });
    const group = await cloud.compute.describeGroup({ region: 'eu-west-1', groupName: 'shop-web-eu-west-1' });
    expect(group).toMatchObject({ desiredCapacity: 4, maxSize: 4 });
    expect(group.instances.filter((i) => i.lifecycleState === 'InService')).toHaveLength(4);
    // One promotion, one capacity update, one DNS change: nothing issued twice.
    expect(rds.calls.filter((c) => c.action === 'PromoteReadReplica')).toHaveLength(1);
    expect(asg[1]!.calls.filter((c) => c.action === 'UpdateAutoScalingGroup')).toHaveLength(1);
    expect(route53.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toHaveLength(1);
    // Waited for INSYNC: GetChange was polled until the change propagated.
    expect(route53.calls.filter((c) => c.operation === 'GetChange').length).toBeGreaterThan(1);
    cloud.clients.destroy();
  }, 60_000);
});

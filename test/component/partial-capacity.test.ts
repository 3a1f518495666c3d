import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { validateConfig } from '../../src/config/load-config.js';
import { Controller } from '../../src/controller/controller.js';
import { serving } from '../../src/ports/compute-provider.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { ManualClock } from '../support/manual-clock.js';
import { judgeRegions } from '../support/warm.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const STANDBY = { region: 'eu-west-1', groupName: 'shop-web-eu-west-1' };

/**
 * The controller on the simulated world, with a standby of 1 that becomes 10
 * on failover (DNS may move at 9), and MinSize/MaxSize 1/2 at standby.
 */
async function start() {
  const endpoints = await Promise.all(REGIONS.map((r) => SimWorld.endpoint(r)));
  const config = validateConfig({
    provider: 'sim',
    applications: [
      {
        name: 'shop',
        policy: { probeIntervalSeconds: 5, rtoSeconds: 300, rpoSeconds: 60 },
        regions: REGIONS.map((name, i) => ({
          name,
          probes: [{ url: endpoints[i]!.url('/health'), bodyMatch: '"status":"ok"', timeoutMs: 500 }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 10, minShareBeforeDns: 0.9, standbyMaxSize: 2 },
          dns: { hostedZoneId: 'Z0TEST', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
  let prober: HttpProber | undefined;
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12), () => (prober?.inflight() ?? 0) > 0);
  prober = new HttpProber({ clock, concurrency: 8 });
  const world = SimWorld.attach(config, endpoints, { clock });
  const store = new MemoryStateStore();
  const controller = new Controller({ config, clock, store, cloud: world.providers, prober, log: pino({ level: 'silent' }), runbooks });
  await controller.init();
  // An operator's run is gated on a standby judged healthy.
  await judgeRegions({ controller, clock });
  const until = async (run: RunRecord, maxMs = 30 * 60_000) => {
    expect(await clock.advanceUntil(async () => (await store.getRun(run.id))!.status !== 'running', { stepMs: 500, maxMs })).toBe(true);
    return (await store.getRun(run.id))!;
  };
  const dnsTarget = async () => (await world.providers.dns.listRecords('Z0TEST', 'shop.example.com.')).find((r) => r.type === 'CNAME')?.values[0];
  const close = async () => {
    await controller.stop().catch(() => undefined);
    await prober!.close();
    await world.stop();
  };
  return { clock, world, store, controller, until, dnsTarget, close, compute: world.providers.compute };
}

describe('failover into a region short of capacity (simulated world)', () => {
  let w: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('moves DNS once 9 of 10 serve during a capacity crunch, shows why the tenth is missing, and the group keeps its goal', async () => {
    w = await start();
    // The standby region can launch only 9 units: EC2 answers the tenth launch with InsufficientInstanceCapacity.
    w.compute.setLaunchLimit(STANDBY, 9);

    const run = await w.until(await w.controller.failover({ to: 'eu-west-1', reason: 'capacity drill', by: 'test-operator' }));

    expect(run.status, run.error).toBe('succeeded');
    expect(await w.dnsTarget()).toBe('shop-eu-west-1.example.com');
    const scale = run.steps.find((s) => s.id === 'scale-up-standby-compute')!;
    expect(scale.status).toBe('succeeded');
    // The run records that scaling goes on, and why it is short.
    expect(scale.message).toMatch(
      /^desired 10 \(min 10, max 10\), 9 in service; enough to move DNS \(9 of 10, minShareBeforeDns 0\.9\); Auto Scaling goes on launching the rest; latest failed scaling activity \(Failed, 2026-11-24T12:00:\d\d\.\d{3}Z\): We currently do not have sufficient m5\.large capacity in the Availability Zone you requested \(eu-west-1a\)\./,
    );
    const group = await w.compute.describeGroup(STANDBY);
    expect(group).toMatchObject({ desiredCapacity: 10, minSize: 10 });
    expect(serving(group)).toBe(9);

    // Capacity comes back: Auto Scaling launches the tenth, nobody has to act.
    w.compute.setLaunchLimit(STANDBY, undefined);
    await w.clock.advance(60_000);
    expect(serving(await w.compute.describeGroup(STANDBY))).toBe(10);
    expect(w.world.providers.cloud.succeeded('UpdateAutoScalingGroup')).toHaveLength(1);
  });

  it('fails at once with the cause, before DNS moves, when Launch is suspended in the standby region', async () => {
    w = await start();
    w.compute.suspendProcesses(STANDBY, ['Launch']);
    // The pre-flight gate sees it first, before anything is promoted.
    await expect(w.controller.failover({ to: 'eu-west-1', reason: 'capacity drill', by: 'test-operator' })).rejects.toThrow(/compute-launch: Auto Scaling group shop-web-eu-west-1 has Launch suspended/);
    expect(await w.store.listRuns({ limit: 5 })).toEqual([]);

    // Forced past the gate, the run itself stops at once on the same cause.
    const run = await w.until(await w.controller.failover({ to: 'eu-west-1', reason: 'capacity drill', by: 'test-operator', force: true }));

    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /^failed at scale-up-standby-compute: scale-up-standby-compute: Auto Scaling's Launch process is suspended on shop-web-eu-west-1 \(eu-west-1\) \(User suspended at 2026-11-24T12:00:15Z\): it launches nothing/,
    );
    expect(run.error).toContain('aws autoscaling resume-processes --auto-scaling-group-name shop-web-eu-west-1 --scaling-processes Launch --region eu-west-1');
    // Told within a minute, not after the step's 15 minutes; DNS stays, the group was not touched.
    expect(run.finishedAt! - run.createdAt).toBeLessThan(60_000);
    expect(await w.dnsTarget()).toBe('shop-us-east-1.example.com');
    expect(w.world.providers.cloud.succeeded('UpdateAutoScalingGroup')).toEqual([]);
  });

  it('fails back to the standby shape (MinSize 1, the configured MaxSize) without waiting for instances a lifecycle hook holds', async () => {
    w = await start();
    const over = await w.until(await w.controller.failover({ to: 'eu-west-1', reason: 'drill', by: 'test-operator' }));
    expect(over.status, over.error).toBe('succeeded');
    expect(await w.compute.describeGroup(STANDBY)).toMatchObject({ desiredCapacity: 10, minSize: 10, maxSize: 10 });

    // Someone's terminate hook drains instances for up to an hour; the failback must not wait for it, nor complete it.
    w.compute.setTerminateHook(STANDBY, 60 * 60_000);
    const back = await w.until(await w.controller.failback({ reason: 'drill over', by: 'test-operator' }));

    expect(back.status, back.error).toBe('succeeded');
    expect(back.finishedAt! - back.createdAt).toBeLessThan(30 * 60_000);
    // The write freeze took all ten out of service; the hook holds them, out of the load balancer, and the freeze names them.
    const freeze = back.steps.find((s) => s.id === 'freeze-standby-compute')!;
    expect(freeze.message).toContain('10 held in Terminating:Wait by a lifecycle hook');
    // The standby comes back up from zero to its one warm instance, beside the ten the hook still holds.
    const down = back.steps.find((s) => s.id === 'scale-down-standby-compute')!;
    expect(down.message).toBe('desired 1 (min 1, max 2), 1 in service, 10 leaving (10 held in Terminating:Wait by a lifecycle hook)');
    const group = await w.compute.describeGroup(STANDBY);
    expect(group).toMatchObject({ desiredCapacity: 1, minSize: 1, maxSize: 2 });
    expect(group.instances.filter((i) => i.lifecycleState === 'Terminating:Wait')).toHaveLength(10);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders, seedSimWorld } from '../../../src/adapters/sim/sim-providers.js';
import type { Config } from '../../../src/config/types.js';
import { provision } from '../../../src/traffic/provision.js';
import { votesOf } from '../../../src/traffic/switch-layout.js';
import { ManualClock } from '../../support/manual-clock.js';
import { trafficConfig } from '../../support/traffic-config.js';

function world(config: Config) {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { alarmPeriodMs: 6_000 } });
  seedSimWorld(sim, config);
  sim.healthChecks.setNameServers('Z0SHOP', ['127.0.0.1:5353']);
  const store = new MemoryStateStore();
  const app = config.applications[0]!;
  const deps = { dns: sim.dns, traffic: sim.traffic, store, now: () => clock.now() };
  return { clock, sim, store, app, deps };
}

describe('provisioning a health-checks switch', () => {
  it('plans without changing anything, then applies: alarms in the voters’ regions, checks, records carrying them, name servers', async () => {
    const { sim, store, app, deps } = world(trafficConfig('health-checks'));
    const before = sim.cloud.calls.length;
    const plan = await provision(app, deps, false);
    expect(plan.actions.filter((a) => a.change).map((a) => a.kind)).toEqual(['intent', 'alarm', 'alarm', 'health-check', 'health-check', 'health-check', 'health-check', 'records', 'setup']);
    expect(sim.cloud.calls.slice(before).every((c) => /^(List|Describe|Get)/.test(c.operation))).toBe(true);
    expect(await store.getTrafficSetup('shop')).toBeUndefined();

    const applied = await provision(app, deps, true);
    expect(applied.actions.filter((a) => a.waiting)).toEqual([]);
    const alarms = await sim.alarms.describeAlarms('eu-west-1', ['failover-shop-evacuate-us-east-1']);
    expect(alarms.map((a) => a.state)).toEqual(['INSUFFICIENT_DATA']);
    const checks = await sim.healthChecks.listHealthChecks();
    expect(checks.map((c) => c.spec.type).sort()).toEqual(['CALCULATED', 'CALCULATED', 'CLOUDWATCH_METRIC', 'CLOUDWATCH_METRIC']);
    const records = await sim.dns.listRecords('Z0SHOP', 'shop.example.com');
    const primary = records.find((r) => r.failover === 'PRIMARY')!;
    expect(checks.find((c) => c.id === primary.healthCheckId)?.spec).toMatchObject({ type: 'CALCULATED', healthThreshold: 1 });
    expect(await store.getTrafficSetup('shop')).toMatchObject({ mode: 'health-checks', nameServers: ['127.0.0.1:5353'] });
    expect(await store.getTrafficIntent('shop')).toMatchObject({ serving: 'us-east-1', evacuated: [], runId: 'provision' });
    // A new check over alarms without data counts healthy: provisioning moves no traffic.
    expect(sim.healthChecks.healthy(primary.healthCheckId!)).toBe(true);

    const again = await provision(app, deps, true);
    expect(again.actions.filter((a) => a.change)).toEqual([]);
  });

  it('refuses a record name the app does not own, changing nothing', async () => {
    const { sim, app, deps } = world(trafficConfig('health-checks'));
    await sim.dns.changeRecords('Z0SHOP', [{ action: 'DELETE', record: (await sim.dns.listRecords('Z0SHOP', '_failover-owner.shop.example.com'))[0]! }], 'test');
    const before = sim.cloud.calls.filter((c) => c.outcome === 'ok' && !/^(List|Describe|Get)/.test(c.operation)).length;
    await expect(provision(app, deps, true)).rejects.toThrow(/not owned by shop/);
    expect(sim.cloud.calls.filter((c) => c.outcome === 'ok' && !/^(List|Describe|Get)/.test(c.operation)).length).toBe(before);
  });

  it('weighted: changes the records only once the votes hold the standbys out (their alarms in ALARM)', async () => {
    const { sim, app, deps, clock } = world(trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }));
    const first = await provision(app, deps, true);
    expect(first.actions.find((a) => a.kind === 'records')?.waiting).toMatch(/votes have not reached the alarms/);
    const intent = await deps.store.getTrafficIntent('shop');
    for (const voter of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) await sim.alarms.castVotes(voter, votesOf(app, intent, voter));
    await clock.advance(6_000);
    const second = await provision(app, deps, true);
    expect(second.actions.find((a) => a.kind === 'records')?.waiting).toBeUndefined();
    const records = await sim.dns.listRecords('Z0SHOP', 'shop.example.com');
    expect(records.filter((r) => r.type === 'CNAME').map((r) => r.healthCheckId !== undefined)).toEqual([true, true, true]);
  });
});

describe('provisioning a routing-control switch', () => {
  it('one RECOVERY_CONTROL check per region on its record, once the controls say where traffic is', async () => {
    const { sim, app, deps } = world(trafficConfig('routing-control'));
    await provision(app, deps, true);
    const checks = await sim.healthChecks.listHealthChecks();
    expect(checks.map((c) => c.spec)).toEqual([
      { type: 'RECOVERY_CONTROL', routingControlArn: app.traffic.routingControl!.controls['us-east-1'] },
      { type: 'RECOVERY_CONTROL', routingControlArn: app.traffic.routingControl!.controls['eu-west-1'] },
    ]);
    const records = await sim.dns.listRecords('Z0SHOP', 'shop.example.com');
    expect(records.filter((r) => r.healthCheckId).length).toBe(2);
  });

  it('waits while the controls do not match the traffic (both On)', async () => {
    const { sim, app, deps } = world(trafficConfig('routing-control'));
    await sim.routingControls.cluster(app.traffic.routingControl!.clusterEndpoints).updateRoutingControlStates([{ routingControlArn: app.traffic.routingControl!.controls['eu-west-1']!, state: 'On' }]);
    const plan = await provision(app, deps, true);
    expect(plan.actions.find((a) => a.kind === 'records')?.waiting).toMatch(/set us-east-1 On and the others Off/);
  });
});

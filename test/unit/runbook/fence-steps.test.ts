import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders, seedSimWorld, type SimProviders } from '../../../src/adapters/sim/sim-providers.js';
import type { AppConfig, Config } from '../../../src/config/types.js';
import { TransientError } from '../../../src/errors/errors.js';
import type { NetworkFence } from '../../../src/ports/network-fence.js';
import type { StepContext, StepDefinition, RunbookNode } from '../../../src/runbook/step.js';
import { attemptFence, openFence } from '../../../src/runbook/steps/fence-attempt.js';
import { freezeCompute } from '../../../src/runbook/steps/fence-compute.js';
import { publishWriterEpoch } from '../../../src/runbook/steps/fence-epoch.js';
import { fenceOldWriter, liftNetworkFence } from '../../../src/runbook/steps/fence-network.js';
import { testApp } from '../../support/engine-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runFixture } from '../../support/run-fixture.js';

const [US, EU] = testApp.regions as [AppConfig['regions'][number], AppConfig['regions'][number]];

function world(app: AppConfig = testApp) {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock });
  seedSimWorld(sim, { applications: [app] } as Config);
  const store = new MemoryStateStore();
  /** `promoting`: the run's promotion step has started (it shows in the run record, as the engine keeps it). */
  const ctx = (cloud: SimProviders | (Omit<SimProviders, 'fence'> & { fence: NetworkFence }) = sim, runId = 'run-1', promoting = false): StepContext => ({
    run: runFixture({ id: runId, steps: promoting ? [{ id: 'promote-standby-database', title: 'Promote', status: 'running' }] : [] }),
    app,
    from: app.regions[0]!,
    to: app.regions[1]!,
    cloud,
    fences: store,
    prober: { round: async () => [] },
    clock,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    actInFlight: false,
  });
  return { clock, sim, store, ctx };
}

function definition(node: RunbookNode): StepDefinition {
  if (node.kind !== 'step') throw new Error('not a step');
  return node.step;
}

describe('the fencing epoch step', () => {
  it('moves the epoch on once, to the writer region or to a freeze, and is done when it already says so', async () => {
    const { store, ctx } = world();
    const toStandby = definition(publishWriterEpoch({ id: 'fence-epoch', title: 't', writer: 'to', reason: 'failover' }));
    expect(await toStandby.observe(ctx())).toMatchObject({ done: false, current: expect.stringContaining('no epoch yet') });
    await toStandby.act!(ctx());
    expect(await store.getWriterEpoch('shop')).toMatchObject({ epoch: 1, writerRegion: EU.name, runId: 'run-1' });
    expect(await toStandby.observe(ctx())).toMatchObject({ done: true, current: `epoch 1: ${EU.name} writes` });
    // A resumed act finds its goal and moves nothing.
    await toStandby.act!(ctx());
    expect((await store.getWriterEpoch('shop'))!.epoch).toBe(1);
    const freeze = definition(publishWriterEpoch({ id: 'freeze', title: 't', writer: 'nobody', reason: 'freeze' }));
    await freeze.act!(ctx(undefined, 'run-2'));
    const frozen = (await store.getWriterEpoch('shop'))!;
    expect(frozen).toMatchObject({ epoch: 2, runId: 'run-2' });
    expect(frozen.writerRegion).toBeUndefined();
    expect(await freeze.observe(ctx())).toMatchObject({ done: true, current: 'epoch 2: writes frozen' });
  });

  it('is left out when the application does not use it', async () => {
    const app: AppConfig = { ...testApp, fence: { planned: 'compute', network: true } };
    const { ctx } = world(app);
    const freeze = definition(publishWriterEpoch({ id: 'freeze', title: 't', writer: 'nobody', reason: 'freeze', enabled: (a) => a.fence.planned !== 'compute' }));
    expect(await freeze.observe(ctx())).toMatchObject({ done: true, current: 'not used: fence.planned is compute' });
  });

  it('is undone by a rollback only while the new writer has not been promoted', async () => {
    const { sim, store, ctx } = world();
    const step = definition(publishWriterEpoch({ id: 'fence-epoch', title: 't', writer: 'to', reason: 'failover', undoTo: 'from', guard: 'to' }));
    await step.act!(ctx());
    await step.compensate!(ctx());
    expect(await store.getWriterEpoch('shop')).toMatchObject({ epoch: 2, writerRegion: US.name });
    await step.act!(ctx());
    await sim.database.promote(EU.database, 'unplanned');
    await expect(step.compensate!(ctx(sim, 'run-1', true))).rejects.toThrow(/kept: eu-west-1 has been promoted/);
    expect(await store.getWriterEpoch('shop')).toMatchObject({ epoch: 3, writerRegion: EU.name });
  });
});

describe('the compute freeze step', () => {
  it('scales the group to zero and is done once no instance is left running; its undo is refused after the promotion', async () => {
    const { sim, ctx } = world();
    const step = definition(freezeCompute({ id: 'freeze-compute', title: 't', side: 'from', guard: 'to' }));
    expect(await step.observe(ctx())).toMatchObject({ done: false });
    await step.act!(ctx());
    const group = await sim.compute.describeGroup({ region: US.name, groupName: US.compute.autoScalingGroup });
    expect(group.desiredCapacity).toBe(0);
    const look = await step.observe(ctx());
    expect(look.done || look.pending).toBe(true);
    await sim.database.promote(EU.database, 'planned');
    await expect(step.compensate!(ctx(sim, 'run-1', true))).rejects.toThrow(/kept: eu-west-1 has been promoted/);
  });

  it('is undone when the replica reads modifying for another reason (maintenance) and no promotion began: never left frozen', async () => {
    const { sim, ctx } = world();
    const step = definition(freezeCompute({ id: 'freeze-compute', title: 't', side: 'from', guard: 'to' }));
    await step.act!(ctx());
    // The standby replica in its maintenance window: RDS reads it as modifying, as it would a promotion.
    const maintenance = Object.assign(Object.create(sim.database) as SimProviders['database'], {
      describe: async (ref: Parameters<SimProviders['database']['describe']>[0]) => ({ ...(await sim.database.describe(ref)), status: 'modifying' as const }),
    });
    const cloud = { ...sim, database: maintenance } as SimProviders;
    expect(await cloud.database.describe(EU.database)).toMatchObject({ role: 'replica', status: 'modifying' });
    await step.compensate!(ctx(cloud));
    expect((await sim.compute.describeGroup({ region: US.name, groupName: US.compute.autoScalingGroup })).desiredCapacity).toBe(US.compute.activeCapacity);
  });

  it('gives the group its active capacity back when undone before the promotion', async () => {
    const { sim, ctx } = world();
    const step = definition(freezeCompute({ id: 'freeze-compute', title: 't', side: 'from', guard: 'to' }));
    await step.act!(ctx());
    await step.compensate!(ctx());
    expect((await sim.compute.describeGroup({ region: US.name, groupName: US.compute.autoScalingGroup })).desiredCapacity).toBe(US.compute.activeCapacity);
  });
});

describe('the network fence steps', () => {
  it('best effort: a lost region leaves the fence pending without failing; once the region answers the fence holds', async () => {
    const { clock, sim, store, ctx } = world();
    sim.cloud.setRegionAvailable(US.name, false);
    const step = definition(fenceOldWriter({ id: 'fence-old-writer', title: 't', side: 'from', writer: 'to', mode: 'best-effort' }));
    expect(await step.act!(ctx())).toMatchObject({ state: 'pending', attempts: 1 });
    expect(await step.observe(ctx())).toMatchObject({ done: true, current: expect.stringContaining('fence pending after 1 attempt(s)') });
    sim.cloud.setRegionAvailable(US.name, true);
    const record = await attemptFence({ fence: sim.fence, store, clock }, US.database, (await store.getNetworkFence('shop', US.name))!, 10_000);
    expect(record).toMatchObject({ state: 'fenced', connectionsReset: true, attempts: 2, revoked: [{ groupId: `sg-${'db-us-east-1'}`, protocol: 'tcp', fromPort: 5432 }] });
    expect(record.lastError).toBeUndefined();
    expect((await sim.fence.describe(US.database)).open).toEqual([]);
    expect(sim.cloud.succeeded('RevokeSecurityGroupIngress')).toHaveLength(1);
    expect(sim.cloud.succeeded('RebootDBInstance')).toHaveLength(1);
  });

  it('best effort: an old region that never answers costs the deadline, not more', async () => {
    const { clock, sim, store, ctx } = world();
    const hanging: NetworkFence = { ...sim.fence, describe: () => new Promise(() => undefined), revoke: sim.fence.revoke.bind(sim.fence), resetConnections: sim.fence.resetConnections.bind(sim.fence), reopen: sim.fence.reopen.bind(sim.fence) };
    const step = definition(fenceOldWriter({ id: 'fence-old-writer', title: 't', side: 'from', writer: 'to', mode: 'best-effort' }));
    const acted = step.act!(ctx({ ...sim, fence: hanging }));
    await clock.advance(10_000);
    expect(await acted).toMatchObject({ state: 'pending' });
    expect((await store.getNetworkFence('shop', US.name))!.lastError).toBe('us-east-1 did not answer within 10 s');
  });

  it('required: a region that does not answer fails the attempt (to be retried), and a fence that holds is not redone', async () => {
    const { sim, ctx } = world();
    const step = definition(fenceOldWriter({ id: 'fence-stale', title: 't', side: 'from', writer: 'to', mode: 'required' }));
    sim.cloud.setRegionAvailable(US.name, false);
    await expect(step.act!(ctx())).rejects.toBeInstanceOf(TransientError);
    sim.cloud.setRegionAvailable(US.name, true);
    await step.act!(ctx());
    expect(await step.observe(ctx())).toMatchObject({ done: true, current: expect.stringContaining('fenced at') });
  });

  it('lifts a fence only once the stale writer no longer holds the name, restoring the rules it revoked', async () => {
    const { clock, sim, store, ctx } = world();
    const record = await openFence(store, { app: 'shop', region: US.name, database: 'rds:db-us-east-1', runId: 'run-1', stepId: 's', writerRegion: EU.name }, clock.now());
    await attemptFence({ fence: sim.fence, store, clock }, US.database, record, 10_000);
    const lift = definition(liftNetworkFence({ id: 'lift', title: 't', side: 'from' }));
    expect(await lift.observe(ctx())).toMatchObject({ done: false });
    await expect(lift.act!(ctx())).rejects.toThrow(/still a writer under the application's name/);
    await sim.database.retire(US.database, 'stale-test');
    expect(await lift.act!(ctx())).toEqual({ restored: 1 });
    expect(await lift.observe(ctx())).toMatchObject({ done: true });
    expect((await sim.fence.describe(US.database)).open).toMatchObject([{ protocol: 'tcp', fromPort: 5432, sourceGroupId: `sg-app-${US.name}` }]);
    expect(await store.getNetworkFence('shop', US.name)).toMatchObject({ state: 'lifted' });
  });

  it('keeps the rules an earlier, unfinished fence revoked when a new run takes it over', async () => {
    const { clock, sim, store } = world();
    const first = await openFence(store, { app: 'shop', region: US.name, database: 'd', runId: 'run-1', stepId: 's', writerRegion: EU.name }, clock.now());
    // Revoked, then the region went away before the reboot.
    const path = await sim.fence.describe(US.database);
    await store.putNetworkFence({ ...first, revoked: path.open, version: 2 });
    await sim.fence.revoke(US.database, path.open);
    const second = await openFence(store, { app: 'shop', region: US.name, database: 'd', runId: 'run-2', stepId: 's', writerRegion: EU.name }, clock.now());
    expect(second).toMatchObject({ runId: 'run-2', state: 'pending', revoked: path.open, version: 3 });
  });
});

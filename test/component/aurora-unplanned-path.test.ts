import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { createSimProviders, type SimProviders } from '../../src/adapters/sim/sim-providers.js';
import type { AppConfig, Config } from '../../src/config/types.js';
import { FailoverLeftovers } from '../../src/controller/failover-leftovers.js';
import { desiredRecords } from '../../src/dns/desired-records.js';
import { ownerRecordName, ownerValue } from '../../src/dns/record-switch.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { runbook } from '../../src/runbook/step.js';
import { promoteDatabase } from '../../src/runbook/steps/promote-database.js';
import { retireStaleWriter } from '../../src/runbook/steps/replica-steps.js';
import { runDbSteps } from '../support/db-step-runner.js';
import { ManualClock } from '../support/manual-clock.js';
import { shopConfig } from '../support/shop-config.js';

const GATE = 'approve-detach-standby-database';

const shop: AppConfig = shopConfig('aurora-global').applications[0]!;
const [USE1, EUW1] = shop.regions.map((r) => r.database) as [AppConfig['regions'][0]['database'], AppConfig['regions'][0]['database']];

/** The regional failover's database part: the detach gate, then the promotion (as runbooks/regional-failover.ts has them). */
const failover = runbook(
  'aurora-failover',
  'Promote the standby cluster',
  promoteDatabase({ id: 'promote-standby-database', title: 'Promote the standby database', side: 'to', mode: 'unplanned', detachGate: { id: GATE, title: 'Approve detaching' } }),
);

function world(versions: { primary: string; secondary: string } = { primary: '16.4', secondary: '16.4' }): { clock: ManualClock; sim: SimProviders } {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 60_000, replicaCreateMs: 20 * 60_000 }, random: () => 0.5 });
  sim.database.seed(USE1, 'writer', undefined, { engineVersion: versions.primary });
  sim.database.seed(EUW1, 'replica', USE1, { engineVersion: versions.secondary });
  return { clock, sim };
}

/** Approve (or reject) the gate once the run asks for it. */
function answer(type: 'approve' | 'reject') {
  let done = false;
  return async (store: MemoryStateStore, run: RunRecord) => {
    if (done || !(await store.readJournal(run.id)).some((e) => e.type === 'approval-requested' && e.stepId === GATE)) return;
    done = true;
    await store.addRunSignal({ runId: run.id, at: Date.now(), type, stepId: GATE, by: 'test-approver' });
  };
}

describe('Aurora’s unplanned path (simulated world)', () => {
  it('the old primary still answers (only the application tier failed): a switchover, no failover with data loss', async () => {
    const { clock, sim } = world();
    const { run, journal } = await runDbSteps(failover, { app: shop, cloud: sim, clock });
    expect(run.status, run.error).toBe('succeeded');
    expect(sim.cloud.succeeded('SwitchoverGlobalCluster')).toHaveLength(1);
    expect(sim.cloud.calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([]);
    expect(journal.find((e) => e.type === 'act-succeeded')?.data).toEqual({ method: 'switchover' });
    // The old primary follows the new one: the global database keeps both regions, nothing lost.
    expect(await sim.database.describe(USE1)).toMatchObject({ role: 'replica', replicaOf: 'eu-west-1' });
    expect(run.steps.find((s) => s.id === GATE)).toMatchObject({ status: 'skipped' });
  });

  it('the old primary’s region is gone: a failover with data loss; the run names the snapshot that will hold the lost writes, and the failback copies it', async () => {
    const { clock, sim } = world();
    sim.cloud.setRegionAvailable('us-east-1', false);
    const { run, journal } = await runDbSteps(failover, { app: shop, cloud: sim, clock });
    expect(run.status, run.error).toBe('succeeded');
    expect(sim.cloud.succeeded('FailoverGlobalCluster')).toHaveLength(1);
    expect(journal.find((e) => e.type === 'act-succeeded')?.data).toMatchObject({
      method: 'failover',
      lostWrites: expect.stringMatching(/rds:unplanned-global-failover-shop-us-east-1-<time>/),
    });
    // Done when the new writer is available.
    expect(await sim.database.describe(EUW1)).toMatchObject({ role: 'writer', status: 'available' });

    // us-east-1 comes back: Aurora snapshots the old volume and rebuilds the old primary as a secondary.
    sim.cloud.setRegionAvailable('us-east-1', true);
    sim.dns.seed('Z0SHOP', [...desiredRecords(shop.regions, 'eu-west-1'), { name: ownerRecordName('shop.example.com.'), type: 'TXT', ttl: 300, values: [ownerValue('shop')] }]);
    await clock.advance(60 * 60_000);
    const lost = await sim.database.listLostWrites(USE1);
    expect(lost).toEqual([{ id: expect.stringMatching(/^rds:unplanned-global-failover-shop-us-east-1-/) }]);

    // The failback's first step keeps those writes: a manual copy, named in the run.
    const retire = runbook('retire', 'Retire', retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set the stale original aside', side: 'to' }));
    const back = await runDbSteps(retire, { app: shop, cloud: sim, clock, from: 1, to: 0, runId: 'run-failback1' });
    expect(back.run.status, back.run.error).toBe('succeeded');
    const copy = `shop-us-east-1-lost-writes-${lost[0]!.id.slice('rds:unplanned-global-failover-shop-us-east-1-'.length)}`;
    expect(back.journal.find((e) => e.type === 'act-succeeded')?.data).toEqual({ preservedAs: copy });
    expect(back.run.steps[0]!.message).toContain(`${lost[0]!.id} kept as ${copy}`);
    expect(await sim.database.listLostWrites(USE1)).toEqual([{ id: lost[0]!.id, preservedAs: copy }]);
    // An Aurora secondary is not renamed: Aurora rebuilt it already.
    expect(sim.cloud.calls.filter((c) => c.operation === 'ModifyDBCluster')).toEqual([]);
  });

  it('no failback comes: the controller keeps the lost writes itself once the old region answers, and names the copy in the failover run', async () => {
    const { clock, sim } = world();
    sim.cloud.setRegionAvailable('us-east-1', false);
    const { run } = await runDbSteps(failover, { app: shop, cloud: sim, clock });
    expect(run.status, run.error).toBe('succeeded');
    const store = new MemoryStateStore();
    await store.putRun(run);
    await store.advanceWriterEpoch({ app: 'shop', epoch: 1, writerRegion: 'eu-west-1', since: clock.now(), runId: run.id, reason: 'failover' });
    const log = pino({ level: 'silent' });
    const keeper = new FailoverLeftovers({ config: { applications: [shop] } as unknown as Config, store, cloud: sim, clock, log, everyMs: 60_000 });

    // While us-east-1 is down there is no snapshot to read: nothing kept, nothing thrown, the run untouched.
    await keeper.keep();
    expect(sim.cloud.calls.filter((c) => c.operation === 'CopyDBClusterSnapshot')).toEqual([]);

    sim.cloud.setRegionAvailable('us-east-1', true);
    await clock.advance(60 * 60_000);
    const [lost] = await sim.database.listLostWrites(USE1);
    expect(lost?.preservedAs).toBeUndefined();
    await keeper.keep();
    const copy = `shop-us-east-1-lost-writes-${lost!.id.slice('rds:unplanned-global-failover-shop-us-east-1-'.length)}`;
    expect(await sim.database.listLostWrites(USE1)).toEqual([{ id: lost!.id, preservedAs: copy }]);
    const promote = (await store.getRun(run.id))!.steps.find((s) => s.id === 'promote-standby-database')!;
    expect(promote.message).toContain(`lost writes ${lost!.id} kept as ${copy} (seen to by the controller after the run)`);

    // Kept once: the next look finds the copy.
    await clock.advance(60_000);
    await keeper.keep();
    expect(sim.cloud.succeeded('CopyDBClusterSnapshot')).toHaveLength(1);
  });

  it('engine versions differ: the plan says so, the run asks at the gate, and an approved detach makes the standby a standalone writer', async () => {
    const { clock, sim } = world({ primary: '16.4', secondary: '16.2' });
    const { run, journal } = await runDbSteps(failover, { app: shop, cloud: sim, clock, onWaiting: answer('approve') });
    expect(run.status, run.error).toBe('succeeded');
    expect(journal.find((e) => e.type === 'approval-requested')?.data).toMatchObject({
      reason: expect.stringMatching(/engine versions differ: the writer shop-us-east-1 runs 16\.4, shop-eu-west-1 runs 16\.2.*RemoveFromGlobalCluster/),
    });
    expect(sim.cloud.succeeded('RemoveFromGlobalCluster')).toHaveLength(1);
    expect(sim.cloud.calls.filter((c) => /GlobalCluster$/.test(c.operation) && c.operation !== 'RemoveFromGlobalCluster')).toEqual([]);
    const detached = await sim.database.describe(EUW1);
    expect(detached).toMatchObject({ role: 'writer', status: 'available' });
    expect(detached.replicaOf).toBeUndefined();
  });

  it('engine versions differ and the detach is rejected: the run stops, nothing changed', async () => {
    const { clock, sim } = world({ primary: '16.4', secondary: '16.2' });
    const { run } = await runDbSteps(failover, { app: shop, cloud: sim, clock, onWaiting: answer('reject') });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/rejected by test-approver/);
    expect(sim.cloud.calls.filter((c) => /GlobalCluster$/.test(c.operation))).toEqual([]);
    expect(await sim.database.describe(EUW1)).toMatchObject({ role: 'replica' });
  });
});

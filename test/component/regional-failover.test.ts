import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { Controller } from '../../src/controller/controller.js';
import { type Harness, startHarness } from '../support/harness.js';
import { bearer } from '../support/auth.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

const INTERVAL_MS = 5_000;
const FALL = 3;

describe('automatic regional failover in the simulated world (simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('fails over exactly once after a hard outage, in time, and fails back to the original layout', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL, riseThreshold: 3 } });
    h.controller.start();
    await h.clock.advance(60_000);
    expect((await h.controller.status()).applications[0]!.regions.map((r) => r.state)).toEqual(['healthy', 'healthy']);
    expect(await worldLayout(h)).toEqual({
      dnsRegion: 'us-east-1',
      regions: {
        'us-east-1': { db: 'writer:available', desired: 4, inService: 4 },
        'eu-west-1': { db: 'replica:available', replicaOf: 'us-east-1', desired: 1, inService: 1 },
      },
    });

    // Break the primary just after a probe round: the worst case for detection.
    await h.clock.advance(1);
    const outageAt = h.clock.now();
    await h.world.outage('us-east-1');
    const done = await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 });
    expect(done).toBe(true);

    const [run, ...others] = await runsOldestFirst(h);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ kind: 'failover', trigger: 'automatic', from: 'us-east-1', to: 'eu-west-1', status: 'succeeded' });
    // Detection: the fall-th failed round comes at most fall intervals after the outage.
    expect(run!.createdAt - outageAt).toBeLessThanOrEqual(FALL * INTERVAL_MS);
    expect(run!.createdAt - outageAt).toBeGreaterThan((FALL - 1) * INTERVAL_MS);
    expect(run!.outageStartedAt).toBeGreaterThanOrEqual(outageAt);
    // The runbook: promotion (5 s) in parallel with boot (3 s), then DNS (2 s); polls add at most a second per wait.
    const { promoteMs, dnsPropagationMs } = h.world.providers.cloud.delays;
    expect(run!.finishedAt! - run!.createdAt).toBeLessThanOrEqual(promoteMs + dnsPropagationMs + 2_000);
    expect(run!.finishedAt! - outageAt).toBeLessThanOrEqual(FALL * INTERVAL_MS + promoteMs + dnsPropagationMs + 2_000);
    // The database and compute steps ran side by side; the promotion only after the fences (epoch, and one short try at the lost region's network).
    const promote = run!.steps.find((s) => s.id === 'promote-standby-database')!;
    const scale = run!.steps.find((s) => s.id === 'scale-up-standby-compute')!;
    const fence = run!.steps.find((s) => s.id === 'fence-old-writer')!;
    expect(fence).toMatchObject({ status: 'succeeded' });
    expect(fence.message).toContain('fence pending');
    expect(promote.startedAt).toBeGreaterThanOrEqual(fence.finishedAt!);
    expect(promote.startedAt! - scale.startedAt!).toBeLessThan(1_000);
    const dnsStep = run!.steps.find((s) => s.id === 'switch-dns-to-standby')!;
    expect(dnsStep.startedAt).toBeGreaterThanOrEqual(Math.max(promote.finishedAt!, scale.finishedAt!));

    expect(await worldLayout(h)).toEqual({
      dnsRegion: 'eu-west-1',
      regions: {
        'us-east-1': 'unreachable',
        'eu-west-1': { db: 'writer:available', desired: 4, inService: 4 },
      },
    });

    // The primary stays down for ten minutes: no second failover, and no failback on its own.
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toHaveLength(1);
    await h.world.heal('us-east-1');
    await h.clock.advance(60_000);
    let status = (await h.controller.status()).applications[0]!;
    expect(status.activeRegion).toBe('eu-west-1');
    expect(status.regions.map((r) => r.state)).toEqual(['healthy', 'healthy']);
    expect(await runsOldestFirst(h)).toHaveLength(1);

    // Failback is an operator's call; it restores the original layout.
    const back = await h.controller.failback({ reason: 'us-east-1 healthy for a minute', by: 'test-operator' });
    expect(back).toMatchObject({ kind: 'failback', from: 'eu-west-1', to: 'us-east-1', status: 'running' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(back.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const finished = (await h.store.getRun(back.id))!;
    expect(finished.status, finished.error).toBe('succeeded');
    // The standby was at zero instances during the write freeze: its standby instance boots once its database is a replica again.
    await h.clock.advance(h.world.providers.cloud.delays.instanceBootMs);
    expect(await worldLayout(h)).toEqual({
      dnsRegion: 'us-east-1',
      regions: {
        'us-east-1': { db: 'writer:available', desired: 4, inService: 4 },
        'eu-west-1': { db: 'replica:available', replicaOf: 'us-east-1', desired: 1, inService: 1 },
      },
    });
    status = (await h.controller.status()).applications[0]!;
    expect(status.activeRegion).toBe('us-east-1');
    // Both stale writers were kept aside, not deleted: they may hold writes that never replicated.
    expect(h.world.providers.database.ids().filter((id) => id.includes('-stale-'))).toHaveLength(2);
    const cloud = h.world.providers.cloud;
    expect(cloud.succeeded('PromoteReadReplica')).toHaveLength(2);
    expect(cloud.succeeded('CreateDBInstanceReadReplica')).toHaveLength(2);
    expect(cloud.succeeded('ChangeResourceRecordSets')).toHaveLength(2);
    // Everything stays put afterwards.
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toHaveLength(2);
  }, 30_000);

  it('does not fail over for a flapping primary whose failures stay below the fall threshold', async () => {
    // fail, fail, ok, repeated: two failed rounds in a row at most, fall threshold 3 (one request per round, so the pattern is per round).
    let n = 0;
    const pattern = [0.1, 0.1, 0.9];
    h = await startHarness({ random: () => pattern[n++ % pattern.length]!, policy: { fallThreshold: 3 }, probeAttempts: 1 });
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('us-east-1', 'flapping');
    await h.clock.advance(30 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const decisions = await h.store.listDecisions({ app: 'shop', limit: 500 });
    // It was noticed (suspect), and each time cleared by a good round.
    expect(decisions.some((d) => d.reason.includes('us-east-1 (active) is suspect: 2 of 3'))).toBe(true);
    expect(decisions.every((d) => d.action === 'hold')).toBe(true);
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
  });

  it('holds when every region is down, and /status says why', async () => {
    h = await startHarness();
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('us-east-1', 'http503');
    await h.world.outage('eu-west-1', 'http503');
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const api = await h.api();
    const status = (await api.inject({ method: 'GET', url: '/status', headers: bearer('viewer') })).json();
    expect(status.applications[0].regions.map((r: { state: string }) => r.state)).toEqual(['unhealthy', 'unhealthy']);
    expect(status.applications[0].decision).toMatchObject({ action: 'hold', attention: true });
    expect(status.applications[0].decision.reason).toBe('all regions unhealthy: holding, the observer itself may be cut off');
    expect(status.applications[0].regions[0].summary).toContain('status');
    await api.close();
  });

  it('with three regions, skips an unhealthy first standby and fails over to the next', async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('eu-west-1');
    await h.clock.advance(30_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const runs = await runsOldestFirst(h);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ from: 'us-east-1', to: 'ap-southeast-2', status: 'succeeded' });
    expect((await worldLayout(h)).dnsRegion).toBe('ap-southeast-2');
  });

  it('treats answers slower than the probe timeout as failures', async () => {
    h = await startHarness({ probeTimeoutMs: 100, slowDelayMs: 5_000 });
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('us-east-1', 'slow');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 1_000, maxMs: 120_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ from: 'us-east-1', to: 'eu-west-1', status: 'succeeded' });
    const status = (await h.controller.status()).applications[0]!;
    expect(status.regions[0]!.lastResults[0]).toMatchObject({ ok: false, error: 'timeout' });
  });

  it('does not fail over automatically when automatic failover is off, and says an operator must', async () => {
    h = await startHarness({ policy: { automaticFailover: false } });
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('us-east-1');
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const status = (await h.controller.status()).applications[0]!;
    expect(status.decision).toMatchObject({ action: 'hold', attention: true });
    expect(status.decision!.reason).toContain('automatic failover is off: an operator must fail over');
  });

  it.each(['weighted', 'failover'] as const)('moves %s-routed records in one batch and reads the active region back from them', async (routing) => {
    h = await startHarness({ dnsRouting: routing });
    const records = () => h.world.providers.dns.listRecords('Z0TEST', 'shop.example.com.');
    const roles = async () => Object.fromEntries((await records()).map((r) => [r.setIdentifier, routing === 'weighted' ? r.weight : r.failover]));
    expect(await roles()).toEqual(routing === 'weighted' ? { 'us-east-1': 100, 'eu-west-1': 0 } : { 'us-east-1': 'PRIMARY', 'eu-west-1': 'SECONDARY' });
    h.controller.start();
    await h.clock.advance(30_000);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await runsOldestFirst(h))[0]).toMatchObject({ status: 'succeeded', to: 'eu-west-1' });
    expect(await roles()).toEqual(routing === 'weighted' ? { 'us-east-1': 0, 'eu-west-1': 100 } : { 'us-east-1': 'SECONDARY', 'eu-west-1': 'PRIMARY' });
    expect(h.world.providers.cloud.succeeded('ChangeResourceRecordSets')).toHaveLength(1);
    // A restarted controller learns the active region from the records.
    const fresh = new Controller({ config: h.config, clock: h.clock, store: new MemoryStateStore(), cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks });
    await fresh.init();
    expect((await fresh.status()).applications[0]!.activeRegion).toBe('eu-west-1');
  });
});

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { Controller } from '../../src/controller/controller.js';
import { type Harness, startHarness } from '../support/harness.js';
import { bearer } from '../support/auth.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

const INTERVAL = 5_000;
const FALL = 3;

/** A small deterministic generator, so a scenario can be replayed exactly. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('policy scenarios in the simulated world (simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());
  const ended = async () => (await runsOldestFirst(h)).every((r) => r.status !== 'running');

  it('a hard outage: one failover, detected within fall x interval plus one interval', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL / 1000, fallThreshold: FALL } });
    h.controller.start();
    await h.clock.advance(60_000);
    // The outage lands at an arbitrary point between two rounds.
    await h.clock.advance(1_700);
    const outageAt = h.clock.now();
    await h.world.outage('us-east-1');
    await h.clock.advance(20 * 60_000);
    const runs = await runsOldestFirst(h);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.createdAt - outageAt).toBeLessThanOrEqual(FALL * INTERVAL + INTERVAL);
    const decision = (await h.store.listDecisions({ app: 'shop', limit: 100 })).find((d) => d.action === 'failover');
    expect(decision).toMatchObject({ rto: { outageStartedAt: runs[0]!.outageStartedAt, rtoSeconds: 300 } });
    expect(h.notifier.sent.filter((n) => n.severity === 'act')).toHaveLength(1);
  });

  // Per request, as the endpoint draws: each round sends the configured 3 attempts, and the round fails only when all 3 fail.
  it('a steady primary starts flapping (50%, 2 s rounds; seed 87: a clean round, 3 with failed attempts, then 3 failed rounds): held as flapping from the onset, no failover', async () => {
    h = await startHarness({ random: lcg(87), flapFailureRatio: 0.5, policy: { probeIntervalSeconds: 2, fallThreshold: FALL } });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1', 'flapping');
    await h.clock.advance(30_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const decisions = await h.store.listDecisions({ app: 'shop', limit: 500 });
    // The 3 failed rounds came after rounds that passed with failed attempts: held as flapping, not failed over.
    expect(decisions.some((d) => d.reason.includes('it is flapping (0 failed, 3 passed with failed attempts, of the 20 rounds before)'))).toBe(true);
    expect(decisions.every((d) => d.action === 'hold')).toBe(true);
  });

  // One seed end to end through the loopback endpoint; flap-onset.test.ts measures the rate over many seeds.
  it('a primary that fails 40% of requests at random for an hour (seed 21, 5 s rounds, 3 attempts): no failover', async () => {
    h = await startHarness({ random: lcg(21), flapFailureRatio: 0.4, policy: { fallThreshold: FALL } });
    h.controller.start();
    await h.clock.advance(60_000);
    // From now on 40% of requests answer 503.
    await h.world.outage('us-east-1', 'flapping');
    await h.clock.advance(60 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const decisions = await h.store.listDecisions({ app: 'shop', limit: 500 });
    // It did fail 3 rounds in a row at times, and was held as flapping, not failed over.
    expect(decisions.some((d) => d.reason.includes('it is flapping'))).toBe(true);
    expect(decisions.every((d) => d.action === 'hold')).toBe(true);
  });

  it('the observer cut off (every region and the witness unreachable): no failover, and a page', async () => {
    h = await startHarness({ witness: true });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    await h.world.outage('eu-west-1');
    await h.witness!.setMode('down');
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const status = (await h.controller.status()).applications[0]!;
    expect(status.decision).toMatchObject({ action: 'hold', attention: true });
    expect(status.decision!.reason).toContain('cut off');
    expect(h.notifier.sent.filter((n) => n.severity === 'page').map((n) => n.decision.reason)).toContainEqual(expect.stringContaining('cut off'));
  });

  it('lag above the RPO: the run waits at an approval gate that shows the estimate, and goes on when approved', async () => {
    h = await startHarness({ policy: { rpoSeconds: 30 } });
    h.controller.start();
    await h.clock.advance(60_000);
    h.world.providers.database.setReplicationLag(90);
    await h.world.outage('us-east-1');
    await h.clock.advance(5 * 60_000);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ status: 'running' });
    expect(run!.steps.find((s) => s.id === 'check-data-loss-within-rpo')).toMatchObject({ status: 'running' });
    expect(run!.steps.find((s) => s.id === 'promote-standby-database')).toMatchObject({ status: 'pending' });
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);
    const request = (await h.store.readJournal(run!.id)).find((e) => e.type === 'approval-requested');
    expect(request?.detail?.['reason']).toMatch(/estimated data loss up to 90 s of writes .*RPO 30 s: above the RPO/);
    const api = await h.api();
    const approve = await api.inject({ method: 'POST', url: `/runs/${run!.id}/approve`, headers: bearer('approver'), payload: { by: 'alice', comment: 'accepting 90 s of loss' } });
    expect(approve.statusCode).toBe(202);
    await h.clock.advanceUntil(ended, { stepMs: 500, maxMs: 5 * 60_000 });
    const finished = (await h.store.getRun(run!.id))!;
    // The approver's token names who approved; the body's name is kept beside it, not as the identity.
    expect(finished).toMatchObject({ status: 'succeeded', approvals: [{ stepId: 'check-data-loss-within-rpo', decision: 'approved', by: 'test-approver', statedBy: 'alice' }] });
    await api.close();
  });

  it('the primary recovers, then flaps during the hold-down: no failback until it has been steady for the whole hold-down', async () => {
    h = await startHarness({ policy: { failback: 'automatic', failbackHoldDownSeconds: 300 } });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    await h.clock.advanceUntil(ended, { stepMs: 1_000, maxMs: 5 * 60_000 });
    await h.clock.advance(60_000);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    // Back, then a blip every two minutes: never five steady minutes.
    await h.world.heal('us-east-1');
    for (let i = 0; i < 5; i++) {
      await h.clock.advance(120_000);
      await h.world.outage('us-east-1', 'http503');
      await h.clock.advance(INTERVAL);
      await h.world.heal('us-east-1');
    }
    expect((await runsOldestFirst(h)).map((r) => r.kind)).toEqual(['failover']);
    // Steady for the hold-down: it fails back by itself.
    await h.clock.advance(6 * 60_000);
    await h.clock.advanceUntil(ended, { stepMs: 1_000, maxMs: 5 * 60_000 });
    const runs = await runsOldestFirst(h);
    expect(runs.map((r) => `${r.kind}:${r.trigger}:${r.status}`)).toEqual(['failover:automatic:succeeded', 'failback:automatic:succeeded']);
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
  });

  it('more outages in a day than the cap: a page, not another failover', async () => {
    h = await startHarness({ policy: { failback: 'automatic', failbackHoldDownSeconds: 60, cooldownSeconds: 60, maxAutomaticFailoversPerDay: 2 } });
    h.controller.start();
    await h.clock.advance(60_000);
    for (let outage = 1; outage <= 3; outage++) {
      await h.world.outage('us-east-1');
      await h.clock.advance(60_000);
      await h.clock.advanceUntil(ended, { stepMs: 1_000, maxMs: 10 * 60_000 });
      await h.world.heal('us-east-1');
      // Fails back by itself after the hold-down (when it had failed over).
      await h.clock.advance(5 * 60_000);
      await h.clock.advanceUntil(ended, { stepMs: 1_000, maxMs: 10 * 60_000 });
    }
    const runs = await runsOldestFirst(h);
    expect(runs.filter((r) => r.kind === 'failover')).toHaveLength(2);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    const pages = h.notifier.sent.filter((n) => n.severity === 'page').map((n) => n.decision.reason);
    expect(pages).toContainEqual(expect.stringContaining('2 automatic failovers in 24 hours reach the cap of 2: paging a human instead'));
  });

  it('a restarted controller picks up its health history from the stored rounds', async () => {
    h = await startHarness({ policy: { fallThreshold: 3 } });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1', 'http503');
    await h.clock.advance(2 * INTERVAL);
    await h.controller.stop();
    const restarted = new Controller({ config: h.config, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks });
    await restarted.init();
    const before = (await restarted.status()).applications[0]!.regions[0]!;
    expect(before).toMatchObject({ state: 'suspect', consecutiveFailures: 2 });
    // One more failed round after the restart completes the fall threshold, as if nothing had happened.
    await restarted.tick();
    expect((await restarted.status()).applications[0]!.regions[0]!).toMatchObject({ state: 'unhealthy', consecutiveFailures: 3 });
    await restarted.stop();
  });
});

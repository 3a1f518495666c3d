import { describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../src/drills/drill.js';
import { FALL, gameDay, INTERVAL_MS, ORIGINAL_LAYOUT } from '../support/game-day.js';
import type { Harness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** A game day must not disarm real failover: its runs neither start the cooldown nor count toward the daily cap. */

/** The policy's default flap window, in rounds. */
const FLAP_WINDOW_ROUNDS = 20;

describe('a real outage right after a game day (simulated time)', () => {
  let h: Harness;
  const day = gameDay();
  const { post, drillOf, untilEnded } = day;

  it('is failed over automatically: no cooldown hold, no cap hold', async () => {
    // A cap of one: the drill's automatic failover alone would reach it.
    h = await day.start({ cooldownSeconds: 600, maxAutomaticFailoversPerDay: 1, flapWindowRounds: FLAP_WINDOW_ROUNDS });
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    const drillRuns = await runsOldestFirst(h);
    expect(drillRuns.map((r) => [r.kind, r.trigger, r.status, r.drillId])).toEqual([
      ['failover', 'automatic', 'succeeded', drill.id],
      ['failback', 'manual', 'succeeded', drill.id],
    ]);
    // The drill's failover is well inside the cooldown: without the drill mark it would hold the real failover below.
    expect(h.clock.now() - drillRuns[0]!.createdAt).toBeLessThan(600_000 - (FALL + 2) * INTERVAL_MS);
    expect((await h.store.getAppState('shop'))?.lastFailoverAt).toBeUndefined();

    // A real outage of the primary, at once.
    const brokenAt = h.clock.now();
    await h.world.outage('us-east-1');
    // Detected as fast as any outage: the drill's own failed rounds (still inside the flap window of
    // policy.flapWindowRounds) were forgotten as flap evidence when the drill healed its outage.
    const bound = (FALL + 2) * INTERVAL_MS;
    const detected = await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).length === 3, { stepMs: 250, maxMs: bound });
    expect(detected, JSON.stringify((await h.store.listDecisions({ app: "shop", limit: 10 })).map((d) => [d.at - brokenAt, d.action, d.reason]))).toBe(true);
    const real = (await runsOldestFirst(h))[2]!;
    expect(real).toMatchObject({ kind: 'failover', trigger: 'automatic', from: 'us-east-1', to: 'eu-west-1' });
    expect(real.drillId).toBeUndefined();
    expect(real.createdAt - brokenAt).toBeLessThanOrEqual(bound);
    const sinceBreak = (await h.store.listDecisions({ app: 'shop', limit: 50 })).filter((d) => d.at >= brokenAt);
    // Neither the cooldown, the daily cap nor the drill's rounds as flapping held it: only the fall threshold.
    for (const d of sinceBreak.filter((x) => x.action === 'hold')) expect(d.reason).toMatch(/is suspect|is healthy/);
    expect(sinceBreak.some((d) => d.action === 'failover')).toBe(true);

    // The real failover does move traffic, and it is what starts the cooldown.
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h))[2]!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await runsOldestFirst(h))[2]!.status).toBe('succeeded');
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    expect((await h.store.getAppState('shop'))?.lastFailoverAt).toBe(real.createdAt);
  }, 60_000);
});

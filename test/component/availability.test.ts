import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { Controller } from '../../src/controller/controller.js';
import type { AvailabilityReport, AvailabilityWindow } from '../../src/availability/types.js';
import { bearer } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst } from '../support/world-state.js';

const INTERVAL_MS = 5_000;
const DAY_BUDGET_MS = 43_200; // 0.05 % of 24 h
const MONTH_BUDGET_MS = 21.6 * 60_000; // 0.05 % of 30 days

describe('availability accounting in the simulated world (simulated time)', () => {
  let h: Harness;
  let api: FastifyInstance | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
    await h?.close();
  });

  /** The availability of the one application, as GET /status shows it. */
  async function availability(): Promise<{ report: AvailabilityReport; day: AvailabilityWindow; month: AvailabilityWindow }> {
    api ??= await h.api();
    const res = await api.inject({ method: 'GET', url: '/status', headers: bearer('viewer') });
    expect(res.statusCode).toBe(200);
    const report = res.json().applications[0].availability as AvailabilityReport;
    expect(report.windows.map((w) => w.window)).toEqual(['24h', '30d']);
    return { report, day: report.windows[0]!, month: report.windows[1]! };
  }

  it('counts the outage of the active region as downtime until the failover moves traffic, and no longer', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: 3 } });
    const startedAt = h.clock.now();
    h.controller.start();
    await h.clock.advance(60_000);
    let { report, day, month } = await availability();
    expect(report.targetPercent).toBe(99.95);
    // The first round speaks for one interval before it; every later one for the interval since the one before.
    expect(day.measuredMs).toBeGreaterThanOrEqual(60_000);
    expect(day.measuredMs).toBeLessThanOrEqual(60_000 + INTERVAL_MS);
    expect(day).toMatchObject({ downMs: 0, availabilityPercent: 100, allowedDownMs: DAY_BUDGET_MS, budgetLeftMs: DAY_BUDGET_MS, budgetLeftPercent: 100, met: true });
    expect(month).toMatchObject({ downMs: 0, allowedDownMs: MONTH_BUDGET_MS, budgetLeftMs: MONTH_BUDGET_MS, met: true });

    await h.clock.advance(1);
    const outageAt = h.clock.now();
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ kind: 'failover', status: 'succeeded', to: 'eu-west-1' });
    // Users were sent to the dead region from the outage until DNS moved at the end of the run.
    const userDowntime = run!.finishedAt! - outageAt;
    await h.clock.advance(INTERVAL_MS);
    ({ day, month } = await availability());
    expect(Math.abs(day.downMs - userDowntime)).toBeLessThanOrEqual(INTERVAL_MS);
    expect(month.downMs).toBe(day.downMs);
    expect(day.budgetLeftMs).toBe(DAY_BUDGET_MS - day.downMs);
    expect(month.budgetLeftMs).toBe(MONTH_BUDGET_MS - month.downMs);
    expect(month.budgetLeftPercent).toBe(Math.floor(((MONTH_BUDGET_MS - month.downMs) / MONTH_BUDGET_MS) * 10_000 + 1e-6) / 100);
    const elapsed = h.clock.now() - startedAt;
    expect(day.availabilityPercent).toBeCloseTo(((day.measuredMs - day.downMs) / day.measuredMs) * 100, 3);
    expect(day.measuredMs).toBeGreaterThanOrEqual(elapsed);
    expect(day.measuredMs).toBeLessThanOrEqual(elapsed + INTERVAL_MS);

    // The old primary stays dead, but it is not where users go any more: the downtime does not grow.
    const downAfterFailover = day.downMs;
    await h.clock.advance(10 * 60_000);
    ({ day, month } = await availability());
    expect(day.downMs).toBe(downAfterFailover);
    expect(day.measuredMs).toBeGreaterThanOrEqual(h.clock.now() - startedAt);
  }, 30_000);

  it('measures an outage that nobody fails over against the budget: spent for the day, not for the month', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL_MS / 1000, automaticFailover: false, availabilityTargetPercent: 99.95 } });
    h.controller.start();
    await h.clock.advance(5 * 60_000 + 1);
    const outageAt = h.clock.now();
    await h.world.outage('us-east-1', 'http503');
    await h.clock.advance(2 * 60_000);
    await h.world.heal('us-east-1');
    const healedAt = h.clock.now();
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const { day, month } = await availability();
    const outageMs = healedAt - outageAt;
    expect(Math.abs(day.downMs - outageMs)).toBeLessThanOrEqual(INTERVAL_MS);
    // Two minutes are more than the 43.2 s a day allows, and a tenth of the month's 21.6 minutes.
    expect(day).toMatchObject({ met: false, budgetLeftMs: DAY_BUDGET_MS - day.downMs });
    expect(day.budgetLeftPercent).toBeLessThan(-150);
    expect(month).toMatchObject({ met: true, downMs: day.downMs, budgetLeftMs: MONTH_BUDGET_MS - day.downMs });
    expect(month.budgetLeftPercent).toBeGreaterThan(89);
    expect(month.budgetLeftPercent).toBeLessThan(91);
    // About 2 of 12 minutes down.
    expect(day.availabilityPercent).toBeGreaterThan(82);
    expect(day.availabilityPercent).toBeLessThan(85);
  }, 30_000);

  it('carries on across a restart (a new Lambda invocation) without a gap or a double count, and leaves a long stop unmeasured', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL_MS / 1000 } });
    const startedAt = h.clock.now();
    h.controller.start();
    await h.clock.advance(60_000);
    await h.controller.stop();
    // The next invocation starts a few seconds later, from what the store remembers.
    await h.clock.advance(3_000);
    const next = new Controller({ config: h.config, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks });
    await next.init();
    next.start();
    await h.clock.advance(60_000);
    await next.stop();
    let [day] = (await next.status()).applications[0]!.availability!.windows;
    const elapsed = h.clock.now() - startedAt;
    expect(day!.measuredMs).toBeGreaterThanOrEqual(elapsed - INTERVAL_MS);
    expect(day!.measuredMs).toBeLessThanOrEqual(elapsed + INTERVAL_MS);
    // Stopped for ten minutes: the next controller finds no recent round of its own, and its first round speaks for one interval, not for the whole stop.
    const before = day!.measuredMs;
    await h.clock.advance(10 * 60_000);
    const third = new Controller({ config: h.config, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks });
    await third.init();
    await third.tick();
    [day] = (await third.status()).applications[0]!.availability!.windows;
    expect(day!.measuredMs - before).toBe(INTERVAL_MS);
    expect(day!.downMs).toBe(0);
  }, 30_000);
});

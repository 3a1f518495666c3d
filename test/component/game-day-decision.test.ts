import { describe, expect, it } from 'vitest';
import type { DrillRecord, DrillReport } from '../../src/drills/drill.js';
import { FALL, gameDay, INTERVAL_MS, ORIGINAL_LAYOUT, RISE } from '../support/game-day.js';
import type { Harness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** Who decides a game day's failover, and what its report says it exercised: the controller, the drill standing in, or neither. */

describe('game-day decisions and what the report says was exercised (simulated time)', () => {
  let h: Harness;
  const day = gameDay();
  const { inject, post, drillOf, untilEnded } = day;
  const reportOf = async (id: string) => (await inject({ method: 'GET', url: `/drills/${id}/report` })).json() as DrillReport;
  const coverageOf = (report: DrillReport) => Object.fromEntries((report.coverage ?? []).map((c) => [c.phase, c.status]));

  it('lets the controller decide by default, and says every link was exercised, in JSON and on the page', async () => {
    h = await day.start();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(drill.decider).toBe('controller');
    expect(await untilEnded(drill.id)).toBe(true);
    const report = await reportOf(drill.id);
    expect(coverageOf(report)).toEqual({ injection: 'exercised', detection: 'exercised', decision: 'exercised', failover: 'exercised', failback: 'exercised' });
    expect(report.coverage!.find((c) => c.phase === 'decision')).toMatchObject({ by: 'controller' });
    expect(report.rto.notMeasured).toBeUndefined();
    expect(report.verdict).toMatch(/: met; data loss estimate/);
    const page = (await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body;
    expect(page).toContain('<h2>What the game day exercised</h2>');
    for (const phase of ['injection', 'detection', 'decision', 'failover', 'failback']) {
      expect(page).toMatch(new RegExp(`<tr data-phase="${phase}"><th scope="row">${phase}</th><td class="status-exercised">exercised</td>`));
    }
    expect(page).toContain('RTO met</span>');
  }, 60_000);

  it('rehearses the operator’s decision when asked: the controller’s failover is held, the drill fails over at once, and the report says so', async () => {
    h = await day.start();
    const { drill } = (await post('/drills', { mode: 'game-day', decision: 'operator' })).json() as { drill: DrillRecord };
    expect(drill.decider).toBe('operator');
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    const [failover] = await runsOldestFirst(h);
    expect(failover).toMatchObject({ kind: 'failover', trigger: 'manual', drillId: drill.id, startedBy: 'test-operator' });
    // Failed over by hand in the round that judged the region down: no grace waited.
    expect(failover!.createdAt).toBe(ended.milestones.detectedAt);
    const decisions = await h.store.listDecisions({ app: 'shop', limit: 50 });
    expect(decisions.some((d) => d.action === 'failover')).toBe(false);
    expect(decisions.some((d) => d.action === 'hold' && d.reason.includes(`game day ${drill.id}, which leaves the failover decision to the operator`))).toBe(true);

    const report = await reportOf(drill.id);
    expect(coverageOf(report)).toMatchObject({ detection: 'exercised', decision: 'stood-in', failover: 'exercised' });
    expect(report.rto).toMatchObject({ met: true, notMeasured: ['decision'] });
    expect(report.verdict).toMatch(/: met for detection and the failover run only; decision not exercised; data loss/);
    const page = (await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body;
    expect(page).toContain('<td class="status-stood-in">stood in for</td><td>drill</td>');
    expect(page).toContain('RTO met (decision not exercised)</span>');
  }, 60_000);

  it('stands in after the grace when the controller holds (cooldown of a real failover), and leaves the wait out of the decision and the RTO', async () => {
    h = await day.start({ cooldownSeconds: 3_600 });
    // A real failover and failback an operator made: the cooldown runs for an hour.
    expect((await post('/failover', { to: 'eu-west-1', reason: 'maintenance' })).statusCode).toBe(202);
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h))[0]?.status === 'succeeded', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    await h.clock.advance((RISE + 1) * INTERVAL_MS);
    expect((await post('/failback', { reason: 'maintenance over' })).statusCode).toBe(202);
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h))[1]?.status === 'succeeded', { stepMs: 250, maxMs: 300_000 })).toBe(true);
    await h.clock.advance((RISE + 1) * INTERVAL_MS);

    const { drill } = (await post('/drills', { mode: 'game-day', failback: false })).json() as { drill: DrillRecord };
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(ended.decision).toMatchObject({ by: 'drill' });
    expect(ended.decision!.reason).toMatch(/cooldown left/);
    const wait = ended.milestones.failoverStartedAt! - ended.milestones.detectedAt!;
    expect(wait).toBeGreaterThanOrEqual(30_000);

    const report = await reportOf(drill.id);
    expect(coverageOf(report)).toMatchObject({ detection: 'exercised', decision: 'stood-in', failover: 'exercised', failback: 'skipped' });
    expect(report.phases.find((p) => p.id === 'decision')).toMatchObject({ status: 'done', durationMs: 0, startedAt: ended.milestones.failoverStartedAt });
    const answering = report.phases.find((p) => p.id === 'application-answering')!;
    expect(report.rto).toMatchObject({ notMeasured: ['decision'], excludedMs: wait, totalMs: answering.finishedAt! - ended.milestones.startedAt - wait });
    expect(report.totalMs).toBeLessThanOrEqual(FALL * INTERVAL_MS + 15_000);
    expect(report.verdict).toContain(`for detection and the failover run only; decision not exercised (the drill's ${(wait / 1000).toFixed(1)} s wait for the controller left out)`);
  }, 60_000);

  it.each([
    [{ automaticFailover: false }, { mode: 'game-day', decision: 'controller' }, /^body\.decision: shop's policy has automaticFailover off/],
    [{}, { mode: 'plan', decision: 'operator' }, /^body\.decision: only for mode game-day/],
    [{}, { mode: 'game-day', decision: 'chance' }, /body\.decision: must be controller or operator/],
  ])('refuses a decision the drill cannot honour (policy %j, body %j), breaking nothing', async (policy, body, message) => {
    h = await day.start(policy);
    const res = await post('/drills', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect(await h.store.listDrills({ limit: 10 })).toEqual([]);
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
  });
});

import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import type { DrillPhase, DrillRecord, DrillReport } from '../../src/drills/drill.js';
import { bearer } from '../support/auth.js';
import { catalogWithWarmAndDrain, DRAIN, WEB } from '../support/named-runbook.js';
import { FALL, INTERVAL_MS, ORIGINAL_LAYOUT, RISE } from '../support/game-day.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** Game days that run named runbooks of the application by hand once failed over, before the failback. */


const catalog = catalogWithWarmAndDrain;

describe('game days with named runbooks (simulated world, simulated time)', () => {
  let h: Harness;
  let api: FastifyInstance;
  const extra: Controller[] = [];
  afterEach(async () => {
    for (const c of extra.splice(0)) await c.stop();
    await api?.close();
    await h?.close();
  });

  /** A harness like the other game days' (see test/support/game-day.ts), whose shop has the named runbook and the services it needs. */
  async function ready(): Promise<void> {
    h = await startHarness({
      policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL, riseThreshold: RISE, failbackHoldDownSeconds: 1800 },
      runbooks: catalog(),
      delays: { taskStartMs: 4_000 },
    });
    h.world.providers.functions.seed(DRAIN);
    h.world.providers.ecs.seed(WEB, { desiredCount: 0 });
    api = await h.api();
    h.controller.start();
    await h.clock.advance(30_001);
  }
  const post = (url: string, payload: object) => api.inject({ method: 'POST', url, headers: bearer('operator'), payload });
  const drillOf = async (id: string) => (await h.store.getDrill(id))!;
  const until = (check: (d: DrillRecord) => boolean, id: string, maxMs = 10 * 60_000) => h.clock.advanceUntil(async () => check(await drillOf(id)), { stepMs: 250, maxMs });
  const phase = (report: DrillReport, id: DrillPhase['id']) => report.phases.find((p) => p.id === id)!;

  it('fails over, runs the named runbook once by hand, fails back; the report has its phase and its run', async () => {
    await ready();
    const res = await post('/drills', { mode: 'game-day', runbooks: ['warm-and-drain'] });
    expect(res.statusCode, res.body).toBe(202);
    const { drill } = res.json() as { drill: DrillRecord };
    expect(drill).toMatchObject({ runbooks: ['warm-and-drain'], runbookRuns: [], stage: 'detecting' });

    // Nothing runs before the failover has succeeded.
    expect(await until((d) => d.stage === 'running-runbooks', drill.id)).toBe(true);
    const failedOver = await drillOf(drill.id);
    const failover = (await h.store.getRun(failedOver.failoverRunId!))!;
    expect(failover.status).toBe('succeeded');
    // The primary is still down while the runbooks run, as in the incident rehearsed.
    expect(failedOver.milestones.healedAt).toBeUndefined();

    expect(await until((d) => d.status !== 'running', drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);

    const runs = await runsOldestFirst(h);
    expect(runs.map((r) => [r.kind, r.runbook, r.status])).toEqual([
      ['failover', 'regional-failover', 'succeeded'],
      ['runbook', 'warm-and-drain', 'succeeded'],
      ['failback', expect.any(String), 'succeeded'],
    ]);
    const named = runs[1]!;
    expect(named).toMatchObject({ trigger: 'manual', drillId: drill.id, from: 'eu-west-1', to: 'eu-west-1', startedBy: 'test-operator' });
    expect(named.reason).toMatch(new RegExp(`^game day ${drill.id}: runbook warm-and-drain \\(1 of 1\\) after the failover to eu-west-1`));
    // In order: after the failover ended, before the heal and the failback.
    expect(named.createdAt).toBeGreaterThanOrEqual(failover.finishedAt!);
    expect(ended.milestones.healedAt).toBeGreaterThanOrEqual(named.finishedAt!);
    expect(runs[2]!.createdAt).toBeGreaterThan(named.finishedAt!);
    expect(ended.runbookRuns).toEqual([{ name: 'warm-and-drain', runId: named.id, startedAt: named.createdAt, endedAt: named.finishedAt }]);

    // Its effect happened once, in the region failed over to.
    expect(h.world.providers.functions.effects(DRAIN)).toEqual([expect.objectContaining({ idempotencyKey: `${named.id}:drain-order-queue`, input: { queue: 'orders' } })]);
    expect((await h.world.providers.ecs.describeService(WEB)).runningCount).toBe(2);

    const report = ended.report!;
    expect(phase(report, 'runbook')).toMatchObject({
      part: 'failover',
      name: 'runbook warm-and-drain',
      status: 'done',
      startedAt: named.createdAt,
      finishedAt: named.finishedAt,
      durationMs: named.finishedAt! - named.createdAt,
      offsetMs: named.createdAt - ended.milestones.startedAt,
      steps: ['warm-standby-web', 'drain-order-queue'],
    });
    // Between the failover's phases and the failback's.
    const ids = report.phases.map((p) => p.id);
    expect(ids.indexOf('runbook')).toBe(ids.indexOf('application-answering') + 1);
    expect(ids.indexOf('primary-recovery')).toBe(ids.indexOf('runbook') + 1);
    expect(report.phases.every((p) => p.status === 'done')).toBe(true);
    expect(report.runs.map((r) => [r.id, r.kind])).toEqual(runs.map((r) => [r.id, r.kind]));
    expect(report.coverage!.map((c) => [c.phase, c.status])).toEqual([
      ['injection', 'exercised'],
      ['detection', 'exercised'],
      ['decision', 'exercised'],
      ['failover', 'exercised'],
      ['runbooks', 'exercised'],
      ['failback', 'exercised'],
    ]);
    expect(report.verdict).toMatch(/; runbook warm-and-drain done in \d+\.\d s; failed back in/);
    // The recovery time is the failover's: the runbook ran after the application answered.
    expect(report.totalMs).toBeLessThan(named.createdAt - ended.milestones.startedAt);
    expect(report.events.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^failed over: running the named runbooks warm-and-drain by hand, in order, before the heal and the failback$/),
        `runbook warm-and-drain (1 of 1): run ${named.id} started by the drill towards eu-west-1`,
        expect.stringMatching(new RegExp(`^runbook warm-and-drain: run ${named.id} succeeded after \\d+\\.\\d s$`)),
      ]),
    );
    // The drill as the API shows it lists the named run among its runs.
    const shown = await api.inject({ method: 'GET', url: `/drills/${drill.id}`, headers: bearer('viewer') });
    expect(shown.json().drill.runs.map((r: { id: string }) => r.id)).toContain(named.id);
  }, 60_000);

  it('refuses an unknown runbook name before anything is injected, naming the known ones', async () => {
    await ready();
    const unknown = await post('/drills', { mode: 'game-day', runbooks: ['warm-and-drain', 'no-such'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('runbooks: application shop has no runbook named "no-such"; it has: warm-and-drain');
    const tooMany = await post('/drills', { mode: 'game-day', runbooks: Array.from({ length: 11 }, () => 'warm-and-drain') });
    expect(tooMany.statusCode).toBe(400);
    const badName = await post('/drills', { mode: 'game-day', runbooks: ['Warm And Drain'] });
    expect(badName.statusCode).toBe(400);
    const inPlan = await post('/drills', { mode: 'plan', runbooks: ['warm-and-drain'] });
    expect(inPlan.statusCode).toBe(400);
    expect(inPlan.json().message).toMatch(/^body\.runbooks: only for mode game-day/);

    // Nothing happened: no drill, no outage, no run, no effect.
    expect(await h.store.listDrills({ limit: 10 })).toEqual([]);
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
    await h.clock.advance(30_000);
    expect(await h.store.listRuns({ limit: 10 })).toEqual([]);
    expect(h.world.providers.functions.invocations(DRAIN)).toBe(0);
  }, 60_000);

  it('a named runbook that fails ends the game day as failed and leaves the failback unstarted', async () => {
    await ready();
    h.world.providers.functions.setFailure(DRAIN, 'boom');
    const { drill } = (await post('/drills', { mode: 'game-day', runbooks: ['warm-and-drain'] })).json() as { drill: DrillRecord };
    expect(await until((d) => d.status !== 'running', drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status).toBe('failed');
    expect(ended.failbackRunId).toBeUndefined();
    const named = (await h.store.getRun(ended.runbookRuns![0]!.runId))!;
    expect(named).toMatchObject({ kind: 'runbook', status: 'failed', drillId: drill.id });
    expect(ended.error).toMatch(new RegExp(`^the run ${named.id} of runbook warm-and-drain failed.*; the failback was not started: shop stays in eu-west-1 \\(see GET /runs/${named.id}\\)$`));
    // No failback: the application stays failed over; the injected outage is healed all the same.
    const runs = await runsOldestFirst(h);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['failover', 'succeeded'],
      ['runbook', 'failed'],
    ]);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    expect(h.world.providers.functions.effects(DRAIN)).toEqual([]);

    const report = ended.report!;
    expect(phase(report, 'runbook')).toMatchObject({ status: 'failed', startedAt: named.createdAt, steps: ['warm-standby-web', 'drain-order-queue'] });
    expect(phase(report, 'runbook').note).toContain('boom');
    expect(report.phases.filter((p) => p.part === 'failback').every((p) => p.status !== 'done')).toBe(true);
    expect(report.verdict).toMatch(/^failed: the run \S+ of runbook warm-and-drain failed/);
    expect(report.events.slice(-3).map((e) => e.text)).toEqual([
      expect.stringMatching(new RegExp(`^runbook warm-and-drain: run ${named.id} failed after \\d+\\.\\d s: .*boom`)),
      'the failback is not started: a named runbook failed; shop stays in eu-west-1',
      'healed us-east-1',
    ]);
    // Ten minutes on, still no failback: a failed game day starts nothing more.
    await h.clock.advance(10 * 60_000);
    expect((await h.store.listRuns({ limit: 10 })).some((r) => r.kind === 'failback')).toBe(false);
  }, 60_000);

  it('a restarted controller carries on a game day stopped while its named runbook ran', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day', runbooks: ['warm-and-drain'] })).json() as { drill: DrillRecord };
    expect(await until((d) => (d.runbookRuns ?? []).length === 1, drill.id)).toBe(true);
    // No tick from here on: the named run finishes in this process, and nobody takes its end up.
    await h.controller.stop();
    await h.clock.advance(30_000);
    const stopped = await drillOf(drill.id);
    expect(stopped).toMatchObject({ stage: 'running-runbooks', runbookRuns: [{ name: 'warm-and-drain' }] });
    expect(stopped.runbookRuns![0]!.endedAt).toBeUndefined();

    const restarted = new Controller({ config: h.config, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks: catalog(), faults: h.world });
    extra.push(restarted);
    await restarted.init();
    await restarted.resumeRuns();
    restarted.start();
    expect(await until((d) => d.status !== 'running', drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    // One named run, its effect once: the restart started nothing twice.
    expect((await runsOldestFirst(h)).map((r) => r.kind)).toEqual(['failover', 'runbook', 'failback']);
    expect(h.world.providers.functions.effects(DRAIN)).toHaveLength(1);
    expect(phase(ended.report!, 'runbook')).toMatchObject({ status: 'done', finishedAt: stopped.runbookRuns![0]!.startedAt + phase(ended.report!, 'runbook').durationMs! });
  }, 60_000);
});

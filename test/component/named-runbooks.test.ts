import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/runbook/run.js';
import { bearer } from '../support/auth.js';
import { catalogWithWarmAndDrain, DRAIN, WEB } from '../support/named-runbook.js';
import { type Harness, startHarness } from '../support/harness.js';


describe('named runbooks of an application, through the API', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function start(): Promise<void> {
    h = await startHarness({ runbooks: catalogWithWarmAndDrain(), delays: { taskStartMs: 4_000 } });
    h.world.providers.functions.seed(DRAIN);
    h.world.providers.ecs.seed(WEB, { desiredCount: 0 });
    h.controller.start();
    await h.clock.advance(20_000);
  }

  it('lists them, plans one, runs it by name to the end without moving traffic, and refuses an unknown name', async () => {
    await start();
    const api = await h.api();

    const listed = await api.inject({ method: 'GET', url: '/runbooks?app=shop', headers: bearer('viewer') });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().applications[0]).toMatchObject({ app: 'shop', failover: { name: 'regional-failover' }, named: [{ name: 'warm-and-drain' }] });

    const plan = await api.inject({ method: 'POST', url: '/drills', headers: bearer('operator'), payload: { mode: 'plan', runbook: 'warm-and-drain' } });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json().plan).toMatchObject({ kind: 'runbook', runbook: 'warm-and-drain', from: 'us-east-1', to: 'eu-west-1' });
    expect(plan.json().plan.steps.map((s: { id: string; action: string }) => [s.id, s.action])).toEqual([
      ['warm-standby-web', 'act'],
      ['drain-order-queue', 'act'],
    ]);
    // A plan changes nothing.
    expect(h.world.providers.functions.invocations(DRAIN)).toBe(0);

    const unknown = await api.inject({ method: 'POST', url: '/runbooks/no-such/runs', headers: bearer('operator'), payload: { reason: 'try' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('it has: warm-and-drain');
    const viewer = await api.inject({ method: 'POST', url: '/runbooks/warm-and-drain/runs', headers: bearer('viewer'), payload: { reason: 'try' } });
    expect(viewer.statusCode).toBe(403);
    const noReason = await api.inject({ method: 'POST', url: '/runbooks/warm-and-drain/runs', headers: bearer('operator'), payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(h.world.providers.functions.invocations(DRAIN)).toBe(0);

    const started = await api.inject({ method: 'POST', url: '/runbooks/warm-and-drain/runs', headers: bearer('operator'), payload: { reason: 'rehearse the drain' } });
    expect(started.statusCode, started.body).toBe(202);
    const run = started.json().run as RunRecord;
    expect(run).toMatchObject({ kind: 'runbook', runbook: 'warm-and-drain', trigger: 'manual', from: 'us-east-1', to: 'eu-west-1', startedBy: expect.any(String) });
    // One run at a time per application, named ones included.
    const second = await api.inject({ method: 'POST', url: '/runbooks/warm-and-drain/runs', headers: bearer('operator'), payload: { reason: 'again' } });
    expect(second.statusCode).toBe(409);

    const ended = await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))?.status !== 'running', { stepMs: 500, maxMs: 60_000 });
    expect(ended).toBe(true);
    const done = (await h.store.getRun(run.id))!;
    expect(done.status, done.error).toBe('succeeded');
    expect(h.world.providers.functions.effects(DRAIN)).toEqual([expect.objectContaining({ idempotencyKey: `${run.id}:drain-order-queue`, input: { queue: 'orders' } })]);
    expect((await h.world.providers.ecs.describeService(WEB)).runningCount).toBe(2);
    // It moved no traffic: the application is still active where it was.
    await h.clock.advance(10_000);
    const status = await api.inject({ method: 'GET', url: '/status', headers: bearer('viewer') });
    expect(status.json().applications[0].activeRegion).toBe('us-east-1');
  });
});

import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** Operations that change the simulated cloud. */
const MUTATIONS = ['PromoteReadReplica', 'UpdateAutoScalingGroup', 'ChangeResourceRecordSets', 'CreateDBInstanceReadReplica', 'ModifyDBInstance'];

describe('the API over the simulated world', () => {
  let h: Harness;
  let api: FastifyInstance;
  const mutations = () => h.world.providers.cloud.calls.filter((c) => MUTATIONS.includes(c.operation));
  /** As the admin test caller (operator and approver); test/component/api-security.test.ts covers who may do what. */
  const inject = (options: InjectOptions) => api.inject({ ...options, headers: { ...bearer(), ...(options.headers as Record<string, string> | undefined) } });
  const post = (url: string, payload?: unknown) => inject({ method: 'POST', url, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeEach(async () => {
    h = await startHarness();
    api = await h.api();
    h.controller.start();
    await h.clock.advance(30_000);
  });
  afterEach(async () => {
    await api.close();
    await h.close();
  });

  it('GET /health answers without work', async () => {
    const res = await inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /status shows each region with its health, last probes and the policy reason', async () => {
    const res = await inject({ method: 'GET', url: '/status' });
    expect(res.statusCode).toBe(200);
    const [app] = res.json().applications;
    expect(app).toMatchObject({ name: 'shop', primaryRegion: 'us-east-1', activeRegion: 'us-east-1', decision: { action: 'hold', reason: 'us-east-1 (active) is healthy' } });
    expect(app.regions).toHaveLength(2);
    expect(app.regions[0]).toMatchObject({ name: 'us-east-1', role: 'active', state: 'healthy', summary: '1/1 probes ok' });
    expect(app.regions[0].lastResults[0]).toMatchObject({ ok: true, status: 200 });
    expect(app.regions[1]).toMatchObject({ name: 'eu-west-1', role: 'standby', state: 'healthy' });
  });

  it.each([
    [{ to: 'mars-north-1', reason: 'drill' }, /to: unknown region "mars-north-1" for shop; its regions are us-east-1, eu-west-1/],
    [{ to: 'eu-west-1' }, /body\.reason: is required/],
    [{ to: 5, reason: 'x' }, /body\.to: must be a region name/],
    [{ to: 'eu-west-1', reason: 'x', force: 'yes' }, /body\.force: /],
    [{ to: 'eu-west-1', reason: 'x', fast: true }, /body\.fast: is not a known field/],
    [{ to: 'eu-west-1', reason: '' }, /body\.reason: must say why/],
    [{ app: 'nope', to: 'eu-west-1', reason: 'x' }, /app: unknown application "nope"; known: shop/],
    [{ to: 'us-east-1', reason: 'x' }, /to: us-east-1 is already the active region of shop/],
    [['eu-west-1'], /body: /],
  ])('POST /failover %j is a 400 naming the problem, and changes nothing', async (body, message) => {
    const res = await post('/failover', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect(await runsOldestFirst(h)).toEqual([]);
    expect(mutations()).toEqual([]);
  });

  it('refuses malformed JSON, a wrong content type and an oversized body with a 4xx', async () => {
    const bad = await inject({ method: 'POST', url: '/failover', headers: { 'content-type': 'application/json' }, payload: '{"to":' });
    expect(bad.statusCode).toBe(400);
    const text = await inject({ method: 'POST', url: '/failover', headers: { 'content-type': 'text/plain' }, payload: 'eu-west-1' });
    expect(text.statusCode).toBe(400);
    expect(text.json().message).toBe('body: must be object');
    const xml = await inject({ method: 'POST', url: '/failover', headers: { 'content-type': 'application/xml' }, payload: '<to/>' });
    expect(xml.statusCode).toBe(415);
    const huge = await post('/failover', { to: 'eu-west-1', reason: 'x'.repeat(100_000) });
    expect(huge.statusCode).toBe(413);
    expect(mutations()).toEqual([]);
  });

  it('GET /status reads its own writes: a failover shows at once, and each step of the run as the store has it', async () => {
    const status = async () => (await inject({ method: 'GET', url: '/status' })).json().applications[0];
    expect((await status()).currentRun).toBeUndefined();
    const run = (await post('/failover', { to: 'eu-west-1', reason: 'read your writes' })).json().run;
    // Without the clock moving: the snapshot of a moment ago must not hide the run just started.
    expect((await status()).currentRun).toMatchObject({ id: run.id, status: 'running' });
    const seen = new Set<string>();
    expect(
      await h.clock.advanceUntil(
        async () => {
          const stored = (await h.store.getRun(run.id))!;
          const shown = await status();
          const view = shown.currentRun ?? shown.lastRun;
          expect(view.steps.map((s: { status: string }) => s.status)).toEqual(stored.steps.map((s) => s.status));
          seen.add(view.steps.map((s: { status: string }) => s.status[0]).join(''));
          return stored.status !== 'running';
        },
        // Off the whole seconds the simulated steps take, so that a snapshot up to a second old would show.
        { stepMs: 300, maxMs: 60_000 },
      ),
    ).toBe(true);
    expect(seen.size).toBeGreaterThan(2);
    expect(await status()).toMatchObject({ activeRegion: 'eu-west-1', lastRun: { id: run.id, status: 'succeeded' } });
  });

  it('POST /failover starts one run; a second request is a 409 naming it; the run ends with steps and a journal', async () => {
    const first = await post('/failover', { to: 'eu-west-1', reason: 'game day' });
    expect(first.statusCode).toBe(202);
    const run = first.json().run;
    expect(run).toMatchObject({ kind: 'failover', trigger: 'manual', from: 'us-east-1', to: 'eu-west-1', status: 'running', reason: 'game day' });

    const second = await post('/failover', { to: 'eu-west-1', reason: 'again' });
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json()).toMatchObject({ runId: run.id });
    const failback = await post('/failback', { reason: 'too soon' });
    expect(failback.statusCode).toBe(409);

    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))!.status !== 'running', { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const detail = (await inject({ method: 'GET', url: `/runs/${run.id}` })).json();
    expect(detail.run.status).toBe('succeeded');
    for (const step of detail.run.steps) {
      expect(['succeeded', 'skipped']).toContain(step.status);
      expect(step.finishedAt).toBeGreaterThanOrEqual(step.startedAt);
    }
    const types = detail.journal.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('run-started');
    expect(types.at(-1)).toBe('run-succeeded');
    expect(detail.journal.map((e: { seq: number }) => e.seq)).toEqual(detail.journal.map((_: unknown, i: number) => i + 1));
    // Every act is journaled before and after.
    expect(types.filter((t: string) => t === 'act-started')).toHaveLength(types.filter((t: string) => t === 'act-succeeded').length);

    const list = (await inject({ method: 'GET', url: '/runs?limit=10' })).json();
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  });

  it('POST /failback when already on the primary is a 400', async () => {
    const res = await post('/failback', { reason: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/already runs in its primary region us-east-1/);
  });

  it('POST /drills {mode: "plan"} shows each step with current and desired state, and changes nothing', async () => {
    const res = await post('/drills', { mode: 'plan' });
    expect(res.statusCode).toBe(200);
    const { plan } = res.json();
    expect(plan).toMatchObject({ kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1' });
    expect(plan.steps.map((s: { id: string }) => s.id)).toEqual([
      'check-data-loss-within-rpo',
      'fence-epoch-to-standby',
      'fence-old-writer',
      'approve-detach-standby-database',
      'promote-standby-database',
      'scale-up-standby-compute',
      'switch-dns-to-standby',
      'verify-application-in-standby',
    ]);
    const step = (id: string) => plan.steps.find((s: { id: string }) => s.id === id);
    expect(step('check-data-loss-within-rpo')).toMatchObject({ action: 'none', desired: 'estimated data loss within RPO 60 s' });
    expect(step('check-data-loss-within-rpo').current).toMatch(/^estimated data loss up to 0 s of writes \(ReplicaLag before the run began at .*\); RPO 60 s$/);
    expect(step('fence-epoch-to-standby')).toMatchObject({ action: 'act' });
    expect(step('promote-standby-database')).toMatchObject({ resource: 'rds:shop-db-eu-west-1 (eu-west-1)', current: 'replica of us-east-1 (available)', desired: 'writer (available, or backing up after its promotion)', action: 'act' });
    expect(step('scale-up-standby-compute')).toMatchObject({ current: 'desired 1 (min 1, max 4), 1 in service', desired: 'desired 4 (min 4), 4 in service', action: 'act' });
    expect(step('switch-dns-to-standby')).toMatchObject({ current: 'shop-us-east-1.example.com', desired: 'shop-eu-west-1.example.com', action: 'act' });
    expect(step('verify-application-in-standby')).toMatchObject({ action: 'none' });
    const failbackPlan = (await post('/drills', { mode: 'plan', kind: 'failback' })).json();
    // No `to` was asked for: the message names the failback's own target, the primary.
    expect(failbackPlan.message).toMatch(/^kind: failback returns shop to its primary region us-east-1, which is already the active region: there is nothing to fail back/);
    expect(mutations()).toEqual([]);
    expect(await runsOldestFirst(h)).toEqual([]);
    // A game day has no `kind` (test/component/game-day.test.ts runs real ones).
    expect((await post('/drills', { mode: 'game-day', kind: 'failback' })).statusCode).toBe(400);
  });

  it('GET /runs/:id of an unknown run is a 404; a bad query is a 400', async () => {
    expect((await inject({ method: 'GET', url: '/runs/run-nope' })).statusCode).toBe(404);
    const res = await inject({ method: 'GET', url: '/runs?limit=0' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^querystring\.limit: /);
    expect((await inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
  });

  it('the /sim routes break and heal a region, and refuse an unknown one', async () => {
    expect((await post('/sim/regions/eu-west-1/outage', { mode: 'http503' })).json()).toEqual({ region: 'eu-west-1', mode: 'http503' });
    await h.clock.advance(30_000);
    const status = (await inject({ method: 'GET', url: '/status' })).json();
    expect(status.applications[0].regions[1].state).toBe('unhealthy');
    expect((await post('/sim/regions/eu-west-1/heal')).statusCode).toBe(200);
    const unknown = await post('/sim/regions/mars-north-1/outage', {});
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/unknown region "mars-north-1"/);
    expect((await post('/sim/regions/eu-west-1/outage', { mode: 'melted' })).statusCode).toBe(400);
    // Without a body the outage is a hard one.
    expect((await post('/sim/regions/eu-west-1/outage')).json()).toEqual({ region: 'eu-west-1', mode: 'down', controlPlane: 'refuses' });
    // A hanging control plane goes with a hard outage only, and says so; nothing changes on a refusal.
    const slowHang = await post('/sim/regions/us-east-1/outage', { mode: 'slow', controlPlane: 'hangs' });
    expect(slowHang.statusCode).toBe(400);
    expect(slowHang.json().message).toMatch(/body\.controlPlane: hangs goes with mode down/);
    expect((await post('/sim/regions/us-east-1/outage', { controlPlane: 'sleepy' })).statusCode).toBe(400);
    expect(h.world.regions().find((r) => r.name === 'us-east-1')).toMatchObject({ mode: 'healthy', controlPlane: 'up' });
    expect((await post('/sim/regions/us-east-1/outage', { controlPlane: 'hangs' })).json()).toEqual({ region: 'us-east-1', mode: 'down', controlPlane: 'hangs' });
    expect(h.world.regions().find((r) => r.name === 'us-east-1')).toMatchObject({ mode: 'down', controlPlane: 'hanging' });
    await post('/sim/regions/us-east-1/heal');
    expect(h.world.regions().find((r) => r.name === 'us-east-1')).toMatchObject({ mode: 'healthy', controlPlane: 'up' });
  });

  it('POST /runs/:id/cancel with rollback stops at the next step boundary and undoes what can be undone, journaled', async () => {
    const run = (await post('/failover', { to: 'eu-west-1', reason: 'drill to cancel' })).json().run;
    await h.clock.advance(1_000);
    const cancel = await post(`/runs/${run.id}/cancel`, { by: 'carol', comment: 'wrong window', rollback: true });
    expect(cancel.statusCode).toBe(202);
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))!.status !== 'running', { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const detail = (await inject({ method: 'GET', url: `/runs/${run.id}` })).json();
    expect(detail.run).toMatchObject({ status: 'cancelled', cancelRequested: { by: 'test-admin', statedBy: 'carol', rollback: true, comment: 'wrong window' } });
    // The parallel steps in flight finished; DNS was never touched; the compute scale-up was undone; a promotion cannot be.
    expect(detail.run.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'check-data-loss-within-rpo:skipped',
      'fence-epoch-to-standby:succeeded',
      'fence-old-writer:succeeded',
      'approve-detach-standby-database:skipped',
      'promote-standby-database:succeeded',
      'scale-up-standby-compute:succeeded',
      'switch-dns-to-standby:pending',
      'verify-application-in-standby:pending',
    ]);
    const types = detail.journal.map((e: { type: string; stepId?: string }) => (e.stepId ? `${e.type}:${e.stepId}` : e.type));
    expect(types.filter((t: string) => t.startsWith('compensation-'))).toEqual(
      expect.arrayContaining(['compensation-started:scale-up-standby-compute', 'compensation-succeeded:scale-up-standby-compute', 'compensation-failed:promote-standby-database']),
    );
    expect(types.at(-1)).toBe('run-cancelled');
    expect(h.world.providers.cloud.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toEqual([]);
    const layout = await worldLayout(h);
    expect(layout.dnsRegion).toBe('us-east-1');
    expect(layout.regions['eu-west-1']).toMatchObject({ desired: 1 });
    // An ended run cannot be cancelled again; an unknown one is a 404; a bad body is a 400.
    expect((await post(`/runs/${run.id}/cancel`, { by: 'carol' })).statusCode).toBe(409);
    expect((await post('/runs/run-nope/cancel', { by: 'carol' })).statusCode).toBe(404);
    expect((await post(`/runs/${run.id}/cancel`, { by: '' })).statusCode).toBe(400);
  });

  it('POST /runs/:id/approve on a run without a waiting gate is a 409', async () => {
    const run = (await post('/failover', { to: 'eu-west-1', reason: 'x' })).json().run;
    const res = await post(`/runs/${run.id}/approve`, { by: 'alice' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/not waiting for an approval/);
  });

  it('a plan after a run says how long each step and the whole run took before', async () => {
    const run = (await post('/failover', { to: 'eu-west-1', reason: 'game day' })).json().run;
    await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))!.status !== 'running', { stepMs: 250, maxMs: 60_000 });
    const plan = (await post('/drills', { mode: 'plan', to: 'us-east-1' })).json().plan;
    expect(plan.basedOnRuns).toBe(1);
    const finished = (await h.store.getRun(run.id))!;
    const took = (id: string) => finished.steps.find((s) => s.id === id)!;
    const ms = (id: string) => took(id).finishedAt! - took(id).startedAt!;
    expect(plan.steps.find((s: { id: string }) => s.id === 'promote-standby-database').expectedMs).toBe(ms('promote-standby-database'));
    expect(ms('promote-standby-database')).toBeGreaterThan(0);
    // Parallel group: the longer branch counts (the RPO guard, the fences and the promotion are one branch).
    const branch = ['check-data-loss-within-rpo', 'fence-epoch-to-standby', 'fence-old-writer', 'promote-standby-database'].map(ms).reduce((a, b) => a + b, 0);
    const group = Math.max(branch, ms('scale-up-standby-compute'));
    const rest = ['switch-dns-to-standby', 'verify-application-in-standby'].map((id) => took(id).finishedAt! - took(id).startedAt!).reduce((a, b) => a + b, 0);
    expect(plan.expectedMs).toBe(group + rest);
  });

  it('GET /decisions lists each change of mind with its reason and the evidence it rested on', async () => {
    await h.world.outage('us-east-1', 'http503');
    await h.clock.advance(10_000);
    const res = await inject({ method: 'GET', url: '/decisions?app=shop&limit=5' });
    expect(res.statusCode).toBe(200);
    const [latest] = res.json().decisions;
    expect(latest).toMatchObject({ app: 'shop', action: 'hold', reason: 'us-east-1 (active) is suspect: 2 of 3 failed rounds before it counts as down' });
    expect(latest.inputs).toMatchObject({ activeRegion: 'us-east-1', observerCutOff: false, regions: [{ name: 'us-east-1', state: 'suspect', consecutiveFailures: 2 }, { name: 'eu-west-1', state: 'healthy' }] });
    const status = (await inject({ method: 'GET', url: '/status' })).json();
    expect(status.applications[0].regions[0].sentence).toMatch(/^us-east-1 \(active\) is suspect: 2 of 3 failed rounds before it counts as down; 1\/1 probes failed \(status/);
    expect((await inject({ method: 'GET', url: '/decisions?limit=9999' })).statusCode).toBe(400);
  });

  // An unknown app is a mistyped query, not an application with nothing to show: every route that filters by app says so the same way.
  it.each(['/decisions', '/runs', '/drills', '/status/history', '/status/approvals'])('GET %s?app= of an unknown application is a 400 naming the known ones; a known one is a 200', async (route) => {
    const res = await inject({ method: 'GET', url: `${route}?app=nope` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'Bad Request', message: 'app: unknown application "nope"; known: shop' });
    expect((await inject({ method: 'GET', url: `${route}?app=shop` })).statusCode).toBe(200);
  });
});

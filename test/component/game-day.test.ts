import { describe, expect, it } from 'vitest';
import type { DrillPhase, DrillRecord, DrillReport } from '../../src/drills/drill.js';
import { DRILL_CLAIM_TTL_MS } from '../../src/drills/drill-claim.js';
import { ConflictError } from '../../src/errors/errors.js';
import { bearer } from '../support/auth.js';
import { FALL, gameDay, INTERVAL_MS, ORIGINAL_LAYOUT, POLL_SLACK_MS, RISE } from '../support/game-day.js';
import type { Harness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';
import { drillFixture } from '../support/drill-fixture.js';

/** Game days: their phases and report, restarts, refusals. The abort and its hold: game-day-abort.test.ts; a run stopped half way: game-day-attention.test.ts. */

describe('game-day drills in the simulated world (simulated time)', () => {
  let h: Harness;
  const day = gameDay();
  const { inject, post, drillOf, untilEnded, controller } = day;
  const ready = async (policy?: { automaticFailover?: boolean }) => {
    h = await day.start(policy);
  };

  it('runs a whole game day: injected outage, automatic failover, heal, failback; every phase timed against the RTO', async () => {
    await ready();
    const startedAt = h.clock.now();
    const res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode, res.body).toBe(202);
    const { drill } = res.json() as { drill: DrillRecord };
    expect(drill).toMatchObject({ app: 'shop', from: 'us-east-1', to: 'eu-west-1', trigger: 'injected-outage', status: 'running', stage: 'detecting', startedBy: 'test-operator', failback: true });
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('down');

    // While it runs, the report is computed live and the page refreshes itself.
    await h.clock.advance(7_000);
    const live = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(live).toMatchObject({ status: 'running', rto: { elapsedMs: 7_000 } });
    expect(live.phases[0]).toMatchObject({ id: 'detection', status: 'running', durationMs: 7_000 });
    expect(live.verdict).toBe('in progress (detecting): not recovered after 7.0 s (RTO 300 s)');
    const livePage = (await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body;
    expect(livePage).toContain('<meta http-equiv="refresh" content="5">');

    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    const runs = await runsOldestFirst(h);
    expect(runs.map((r) => [r.kind, r.trigger, r.status])).toEqual([
      ['failover', 'automatic', 'succeeded'],
      ['failback', 'manual', 'succeeded'],
    ]);
    expect(runs[1]!.reason).toMatch(/hold-down of 1800 s is not waited for: the drill healed us-east-1 itself/);

    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report).toEqual(ended.report);
    const phase = (id: DrillPhase['id']) => report.phases.find((p) => p.id === id)!;
    const { promoteMs, instanceBootMs, dnsPropagationMs, replicaCreateMs } = h.world.providers.cloud.delays;

    // Every phase of the failover is there, done and timed.
    const failoverIds = ['detection', 'decision', 'data-loss-check', 'database-promotion', 'compute-scale-up', 'dns-insync', 'application-answering'] as const;
    for (const id of failoverIds) {
      expect(phase(id), id).toMatchObject({ part: 'failover', status: 'done' });
      expect(phase(id).durationMs, id).toBe(phase(id).finishedAt! - phase(id).startedAt!);
      expect(phase(id).percentOfRto, id).toBeCloseTo((phase(id).durationMs! / 300_000) * 100, 1);
    }
    // Detection: the fall-th failed round comes at most fall intervals after the outage.
    expect(phase('detection').startedAt).toBe(startedAt);
    expect(phase('detection').durationMs).toBeGreaterThan((FALL - 1) * INTERVAL_MS);
    expect(phase('detection').durationMs).toBeLessThanOrEqual(FALL * INTERVAL_MS);
    // The controller decides in the very round that judges the region down.
    expect(phase('decision').startedAt).toBe(phase('detection').finishedAt);
    expect(phase('decision').durationMs).toBe(0);
    expect(phase('decision').note).toMatch(/^decided by the controller: us-east-1 \(active\) unhealthy for 3 rounds/);
    // The cloud's own delays, seen within a poll.
    expect(phase('database-promotion').durationMs).toBeGreaterThanOrEqual(promoteMs);
    expect(phase('database-promotion').durationMs).toBeLessThanOrEqual(promoteMs + POLL_SLACK_MS);
    expect(phase('compute-scale-up').durationMs).toBeGreaterThanOrEqual(instanceBootMs);
    expect(phase('compute-scale-up').durationMs).toBeLessThanOrEqual(instanceBootMs + POLL_SLACK_MS);
    expect(phase('dns-insync').durationMs).toBeGreaterThanOrEqual(dnsPropagationMs);
    expect(phase('dns-insync').durationMs).toBeLessThanOrEqual(dnsPropagationMs + POLL_SLACK_MS);
    // In order: promotion and compute side by side after the decision; DNS after both; the check after DNS.
    expect(phase('compute-scale-up').startedAt).toBe(phase('data-loss-check').startedAt);
    expect(phase('data-loss-check').startedAt).toBeGreaterThanOrEqual(phase('decision').finishedAt!);
    expect(phase('database-promotion').startedAt).toBeGreaterThanOrEqual(phase('data-loss-check').finishedAt!);
    expect(phase('dns-insync').startedAt).toBeGreaterThanOrEqual(Math.max(phase('database-promotion').finishedAt!, phase('compute-scale-up').finishedAt!));
    expect(phase('application-answering').startedAt).toBeGreaterThanOrEqual(phase('dns-insync').finishedAt!);
    for (const id of failoverIds) expect(phase(id).offsetMs, id).toBe(phase(id).startedAt! - startedAt);

    // RTO: from the injection to the application answering in eu-west-1.
    expect(report.rto).toMatchObject({ rtoSeconds: 300, from: 'injection', met: true });
    expect(report.totalMs).toBe(phase('application-answering').finishedAt! - startedAt);
    expect(report.totalMs).toBeLessThanOrEqual(FALL * INTERVAL_MS + promoteMs + dnsPropagationMs + 2 * POLL_SLACK_MS);
    expect(report.rtoMet).toBe(true);
    expect(report.rpoEstimate).toMatchObject({ seconds: 0, withinRpo: true, rpoSeconds: 60 });
    expect(report.rpoEstimate!.summary).toMatch(/^estimated data loss up to 0 s of writes/);
    expect(report.verdict).toMatch(/^recovered in \d+\.\d s against an RTO of 300 s \(\d+\.\d %\): met; data loss estimate 0 s \(RPO 60 s\); failed back in \d+\.\d s$/);

    // The failback: the primary judged healthy after rise rounds, then the runbook's phases.
    const failbackIds = ['primary-recovery', 'failback-database', 'failback-compute-scale-up', 'failback-dns-insync', 'failback-application-answering', 'standby-restore'] as const;
    for (const id of failbackIds) expect(phase(id), id).toMatchObject({ part: 'failback', status: 'done' });
    expect(phase('primary-recovery').startedAt).toBe(ended.milestones.healedAt);
    expect(phase('primary-recovery').durationMs).toBeGreaterThan((RISE - 1) * INTERVAL_MS);
    expect(phase('primary-recovery').durationMs).toBeLessThanOrEqual(RISE * INTERVAL_MS);
    expect(phase('failback-database').durationMs).toBeGreaterThanOrEqual(replicaCreateMs + promoteMs);
    expect(phase('failback-dns-insync').durationMs).toBeGreaterThanOrEqual(dnsPropagationMs);
    expect(report.failback!.totalMs).toBe(phase('failback-application-answering').finishedAt! - runs[1]!.createdAt);
    expect(report.runs.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(report.events.map((e) => e.text)).toEqual([
      expect.stringMatching(/^injected an outage of us-east-1/),
      expect.stringMatching(/^us-east-1 judged unhealthy 1\d\.\d s after the injection/),
      expect.stringMatching(/^failover run run-\S+ to eu-west-1 started \(automatic\)/),
      expect.stringMatching(/^failover run run-\S+ succeeded$/),
      'healed us-east-1',
      'us-east-1 judged healthy again (3 good rounds)',
      expect.stringMatching(/^failback run run-\S+ started by the drill/),
      'failback run ' + runs[1]!.id + ' succeeded: shop is back in us-east-1',
    ]);

    // The readable page: each phase, its bar, the stylesheet from /assets, nothing inline.
    for (const request of [
      { url: `/drills/${drill.id}/report`, headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } },
      { url: `/drills/${drill.id}/report?format=html`, headers: {} },
    ]) {
      const page = await inject({ method: 'GET', ...request });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      for (const p of report.phases) expect(page.body).toContain(`<th scope="row">${p.name}`);
      expect(page.body).toContain(drill.id);
      expect(page.body).toMatch(/<link rel="stylesheet" href="\/assets\/drill-report\.css\?v=[0-9a-f]+">/);
      expect(page.body.match(/<svg class="bar"/g)).toHaveLength(report.phases.length);
      expect(page.body).not.toMatch(/<script|style=|<style/);
      expect(page.body).not.toContain('http-equiv="refresh"');
    }
    const css = await inject({ method: 'GET', url: '/assets/drill-report.css', headers: { authorization: '' } });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    // JSON unless asked otherwise: curl's */*, and ?format=json over a browser's Accept.
    expect((await inject({ method: 'GET', url: `/drills/${drill.id}/report`, headers: { accept: '*/*' } })).headers['content-type']).toMatch(/^application\/json/);
    expect((await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=json`, headers: { accept: 'text/html' } })).headers['content-type']).toMatch(/^application\/json/);

    // The drill is kept and listed; a viewer may read it.
    const one = await inject({ method: 'GET', url: `/drills/${drill.id}`, headers: bearer('viewer') });
    expect(one.json().drill).toMatchObject({ id: drill.id, status: 'succeeded', runs: report.runs.map((r) => ({ id: r.id, kind: r.kind })) });
    const list = (await inject({ method: 'GET', url: '/drills', headers: bearer('viewer') })).json().drills;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: drill.id, status: 'succeeded' });
    expect(list[0].report).toBeUndefined();

    // Nothing moves afterwards: no second drill action, no extra run.
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toHaveLength(2);
  }, 60_000);

  it('finishes a drill that a restarted controller finds half done in the store', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    // Stop the controller as soon as the failover run has ended: before any tick has taken the outcome up.
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    await h.controller.stop();
    expect((await drillOf(drill.id)).stage).toBe('failing-over');
    await h.clock.advance(20_000);

    const restarted = controller();
    await restarted.init();
    await restarted.resumeRuns();
    restarted.start();
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    expect(ended.report!.phases.every((p) => p.status === 'done')).toBe(true);
    // The restart cost the failover nothing: its phases come from the run, not from when a tick looked.
    expect(ended.report!.totalMs).toBeLessThanOrEqual(FALL * INTERVAL_MS + 10_000);
    // The heal waited for the new controller's first tick.
    expect(ended.milestones.healedAt! - ended.milestones.failoverEndedAt!).toBeGreaterThanOrEqual(20_000);
  }, 60_000);

  it('without a fault injector (as on AWS) starts with a manual failover and says detection and decision were not exercised', async () => {
    await ready();
    await h.controller.stop();
    const plain = controller({ faults: false });
    await plain.init();
    plain.start();
    await h.clock.advance(1);
    const startedAt = h.clock.now();
    const drill = await plain.drills.start({ by: 'alice', failback: false });
    expect(drill).toMatchObject({ trigger: 'manual-failover', stage: 'failing-over', decision: { by: 'drill' } });
    expect(await untilEnded(drill.id)).toBe(true);
    const report = (await drillOf(drill.id)).report!;
    expect(report).toMatchObject({ status: 'succeeded', environment: 'sim', trigger: 'manual-failover', rto: { from: 'manual-trigger', met: true } });
    expect(report.phases.filter((p) => p.status === 'not-exercised').map((p) => p.id)).toEqual(['detection', 'decision']);
    expect(report.phases.some((p) => p.part === 'failback')).toBe(false);
    expect(report.totalMs).toBe(report.phases.find((p) => p.id === 'application-answering')!.finishedAt! - startedAt);
    // No failback asked for: the application stays in the standby.
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  }, 60_000);

  it('stands in for the paged operator when the controller holds (automatic failover off), and says so', async () => {
    await ready({ automaticFailover: false });
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status, ended.error).toBe('succeeded');
    expect(ended.decision).toEqual({ by: 'drill', reason: 'automatic failover is off' });
    const [failover] = await runsOldestFirst(h);
    // Started for whoever started the game day: the two-person rule (policy.separateApprover) holds for it too.
    expect(failover).toMatchObject({ kind: 'failover', trigger: 'manual', status: 'succeeded', startedBy: 'test-operator' });
    expect(failover!.reason).toBe(`game day ${drill.id}: us-east-1 is down and the controller holds (automatic failover is off); failing over as the paged operator would`);
    const decision = ended.report!.phases.find((p) => p.id === 'decision')!;
    expect(decision).toMatchObject({ status: 'done', durationMs: 0 });
    expect(decision.note).toBe('the controller held; the drill failed over as a paged operator would: automatic failover is off');
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
  }, 60_000);

  it('records a game day before injecting its fault: a failed injection ends it as failed, healed, and frees the app', async () => {
    await ready();
    const outage = h.world.outage.bind(h.world);
    let calls = 0;
    h.world.outage = async (region, mode) => {
      calls += 1;
      // The drill is already in the store when the fault goes in.
      expect((await h.store.listDrills({ app: 'shop', limit: 1 }))[0]).toMatchObject({ status: 'running', stage: 'detecting' });
      if (calls === 1) throw new Error('the fault injector is unreachable');
      return outage(region, mode);
    };
    expect((await post('/drills', { mode: 'game-day' })).statusCode).toBe(500);
    const [failed] = await h.store.listDrills({ app: 'shop', limit: 1 });
    expect(failed).toMatchObject({ status: 'failed', stage: 'ended' });
    expect(failed!.events.at(-1)!.text).toContain('could not start: the fault injector is unreachable');
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    // Healed through the drill: should the fault have gone in after all, the rounds it failed are the drill's.
    expect(failed!.failoverHold).toEqual({ region: 'us-east-1', healedAt: failed!.milestones.healedAt });
    // Started in the same (simulated) millisecond, the retry still lists as the newest drill: the only one a tick advances.
    const retry = await post('/drills', { mode: 'game-day', failback: false });
    expect(retry.statusCode).toBe(202);
    const { drill } = retry.json() as { drill: DrillRecord };
    expect(drill.createdAt).toBe(failed!.createdAt + 1);
    expect((await h.store.listDrills({ app: 'shop', limit: 1 }))[0]).toMatchObject({ id: drill.id, status: 'running' });
  }, 60_000);

  it('leaves a drill whose start failed running while its heal fails too, and ends it healed at its detection deadline', async () => {
    await ready();
    h.world.outage = async () => {
      throw new Error('the fault injector is unreachable');
    };
    const heal = h.world.heal.bind(h.world);
    h.world.heal = async () => {
      throw new Error('the fault injector is unreachable');
    };
    expect((await post('/drills', { mode: 'game-day' })).statusCode).toBe(500);
    const [left] = await h.store.listDrills({ app: 'shop', limit: 1 });
    expect(left).toMatchObject({ status: 'running', stage: 'detecting' });
    expect(left!.milestones.healedAt).toBeUndefined();
    expect(left!.events.map((e) => e.text)).toEqual(['could not heal us-east-1: Error: the fault injector is unreachable', 'could not start: the fault injector is unreachable']);
    h.world.heal = heal;
    expect(await untilEnded(left!.id)).toBe(true);
    expect(await drillOf(left!.id)).toMatchObject({ status: 'failed', failoverHold: { region: 'us-east-1' } });
  }, 60_000);

  it('gives up and heals the region when failing over by hand is refused tick after tick', async () => {
    await ready({ automaticFailover: false });
    h.controller.failover = async () => {
      throw new ConflictError('refused for the test');
    };
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/^no failover run started within 330 s of us-east-1 being judged unhealthy/);
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
    expect(await runsOldestFirst(h)).toEqual([]);
  }, 60_000);

  it('refuses a new game day while an older one still runs after its claim lapsed, and the older one is carried on', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day', failback: false })).json() as { drill: DrillRecord };
    // No controller ticks for longer than the claim lasts: the claim lapses, the drill is still running.
    await h.controller.stop();
    await h.clock.advance(DRILL_CLAIM_TTL_MS + 60_000);
    const res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(new RegExp(`^drill ${drill.id} is in progress for shop \\(detecting\\)`));
    expect((await h.store.listDrills({ limit: 10 })).map((d) => d.id)).toEqual([drill.id]);
    // The next controller's tick finds it (the newest of its app) and ends it, healing the region.
    const restarted = controller();
    await restarted.init();
    restarted.start();
    expect(await untilEnded(drill.id)).toBe(true);
    expect((await drillOf(drill.id)).status).not.toBe('running');
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
  }, 60_000);

  it('costs a tick one small read per application, however many drills are kept', async () => {
    await ready();
    const kept = (i: number): DrillRecord =>
      drillFixture({
        id: `drill-old-${String(i).padStart(2, '0')}`,
        status: 'succeeded',
        stage: 'ended',
        createdAt: h.clock.now() - 86_400_000 + i,
        updatedAt: h.clock.now(),
        milestones: { startedAt: h.clock.now() - 86_400_000 + i },
      });
    for (let i = 0; i < 30; i++) await h.store.putDrill(kept(i));
    const list = h.store.listDrills.bind(h.store);
    const read: number[] = [];
    h.store.listDrills = async (filter) => {
      const drills = await list(filter);
      read.push(drills.length);
      return drills;
    };
    await h.clock.advance(3 * INTERVAL_MS);
    expect(read.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...read)).toBe(1);
  });

  it.each([
    [{ mode: 'game-day', to: 'us-east-1' }, 400, /to: us-east-1 is the primary of shop/],
    [{ mode: 'game-day', to: 'mars-north-1' }, 400, /to: unknown region "mars-north-1"/],
    [{ mode: 'game-day', kind: 'failover' }, 400, /body\.kind: only for mode plan/],
    [{ mode: 'plan', failback: false }, 400, /body\.failback: only for mode game-day/],
    [{ mode: 'game-day', failback: 'yes' }, 400, /body\.failback: must be true or false/],
    [{ mode: 'game-day', force: true }, 400, /body\.force: is not a known field/],
    [{ mode: 'chaos' }, 400, /body\.mode: must be plan or game-day/],
  ])('refuses %j with a %i naming the problem, and changes nothing', async (body, code, message) => {
    await ready();
    const res = await post('/drills', body);
    expect(res.statusCode).toBe(code);
    expect(res.json().message).toMatch(message);
    expect(await h.store.listDrills({ limit: 10 })).toEqual([]);
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
  });

  it('refuses a game day while another runs, with an unhealthy standby, or away from the primary layout (409)', async () => {
    await ready();
    await h.world.outage('eu-west-1');
    await h.clock.advance(FALL * INTERVAL_MS);
    let res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('eu-west-1 (standby) is unhealthy, not healthy: no game day now, it could not take the traffic');
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    await h.world.heal('eu-west-1');
    await h.clock.advance(RISE * INTERVAL_MS);

    const first = (await post('/drills', { mode: 'game-day' })).json().drill as DrillRecord;
    res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(new RegExp(`^drill ${first.id} is in progress for shop \\(detecting\\)`));
    // During the failover run itself, the run is what holds the application.
    await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).length > 0, { stepMs: 250, maxMs: 60_000 });
    await post(`/drills/${first.id}/abort`);
    res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/already has run run-\S+ in progress/);
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).every((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    res = await post('/drills', { mode: 'game-day' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('shop runs in eu-west-1, not in its primary us-east-1: a game day starts from the normal layout; fail back first (POST /failback)');
  }, 60_000);

  it('needs the operator role to start or abort, and any token to read', async () => {
    await ready();
    expect((await inject({ method: 'POST', url: '/drills', payload: { mode: 'game-day' }, headers: bearer('viewer') })).statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: '/drills', payload: { mode: 'game-day' }, headers: { authorization: '' } })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/drills/drill-x/abort', headers: bearer('approver') })).statusCode).toBe(403);
    expect((await inject({ method: 'GET', url: '/drills/drill-nope', headers: bearer('viewer') })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/drills/drill-nope/report', headers: bearer('viewer') })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/drills?limit=0', headers: bearer('viewer') })).statusCode).toBe(400);
    expect(await h.store.listDrills({ limit: 10 })).toEqual([]);
  });

});

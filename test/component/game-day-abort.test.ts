import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { DrillRecord, DrillReport } from '../../src/drills/drill.js';
import { HEAL_ALARM_MS } from '../../src/drills/drill-book.js';
import { FALL, gameDay, INTERVAL_MS, ORIGINAL_LAYOUT } from '../support/game-day.js';
import type { Harness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** Aborting a game day: the heal, the run left to finish, and the hold on a failover whose evidence is the drill's outage. */

describe('game-day aborts in the simulated world (simulated time)', () => {
  let h: Harness;
  const day = gameDay();
  const { inject, post, drillOf, untilEnded } = day;
  const ready = async (policy?: { automaticFailover?: boolean }) => {
    h = await day.start(policy);
  };

  it('aborts a game day before detection: heals the region, starts nothing, and keeps the report', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    await h.clock.advance(6_000);
    const res = await post(`/drills/${drill.id}/abort`, { reason: 'the pager went off for real' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().drill).toMatchObject({ status: 'aborted', stage: 'ended', abort: { by: 'test-operator', reason: 'the pager went off for real' } });
    expect(res.json().runInFlight).toBeUndefined();
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report.status).toBe('aborted');
    expect(report.verdict).toMatch(/^aborted by test-operator \(the pager went off for real\); not recovered after 6\.0 s/);
    expect(report.phases.find((p) => p.id === 'detection')).toMatchObject({ status: 'skipped', durationMs: 6_000 });
    expect((await post(`/drills/${drill.id}/abort`)).statusCode).toBe(409);
    // The claim is given back: the next game day may start.
    expect((await post('/drills', { mode: 'game-day', failback: false })).statusCode).toBe(202);
  }, 60_000);

  it('lets a failover in flight finish when aborted, leaving one consistent layout', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).length > 0, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    const res = await post(`/drills/${drill.id}/abort`);
    expect(res.statusCode).toBe(202);
    expect(res.json().runInFlight).toBe(run!.id);
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run!.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await h.store.getRun(run!.id))!.status).toBe('succeeded');
    await h.clock.advance(5 * 60_000);
    // Failed over completely and left there; no failback started by the aborted drill.
    expect(await runsOldestFirst(h)).toHaveLength(1);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
  }, 60_000);

  it('starts no failover for a drill an operator aborts while a tick is about to fail over by hand', async () => {
    await ready({ automaticFailover: false });
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    const decisions = h.store.listDecisions.bind(h.store);
    let aborted = false;
    h.store.listDecisions = async (filter) => {
      // The tick reads the latest decision right before it fails over by hand: the abort lands in between.
      if (filter.limit === 1 && !aborted) {
        aborted = true;
        await h.controller.drills.abort({ id: drill.id, by: 'bob', reason: 'real incident' });
      }
      return decisions(filter);
    };
    expect(await untilEnded(drill.id)).toBe(true);
    expect(aborted).toBe(true);
    expect((await drillOf(drill.id)).status).toBe('aborted');
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
  }, 60_000);

  /**
   * The race of an abort during detection: the round that reaches the fall threshold has gone out (and failed) while the
   * outage was in, and the operator's abort lands before the controller judges it. Returns the drill and the abort's answer.
   */
  async function abortWhileTheFallRoundIsInFlight(): Promise<{ drill: DrillRecord; aborted: DrillRecord }> {
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    const round = h.prober.round.bind(h.prober);
    let rounds = 0;
    let aborted: DrillRecord | undefined;
    h.prober.round = async (targets) => {
      const results = await round(targets);
      // Rounds 1 .. fall − 1 after the injection failed and were counted; the fall-th has failed too, not yet counted.
      if (++rounds === FALL) {
        const res = await post(`/drills/${drill.id}/abort`, { reason: 'the pager went off for real' });
        expect(res.statusCode, res.body).toBe(202);
        aborted = res.json().drill as DrillRecord;
      }
      return results;
    };
    expect(await h.clock.advanceUntil(async () => aborted !== undefined, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    return { drill, aborted: aborted! };
  }

  it('starts no failover for a drill aborted during detection when the round that reaches the fall threshold was in flight', async () => {
    await ready();
    const { drill, aborted } = await abortWhileTheFallRoundIsInFlight();
    expect(aborted).toMatchObject({ status: 'aborted', stage: 'ended', failoverHold: { region: 'us-east-1', healedAt: aborted.milestones.healedAt } });
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    await h.clock.advance(5 * 60_000);

    // The controller did judge the region down on that round, and held instead of failing over.
    const decisions = await h.store.listDecisions({ app: 'shop', limit: 100 });
    expect(decisions.some((d) => d.action === 'failover')).toBe(false);
    const held = decisions.find((d) => d.reason.includes(`injected outage of game day ${drill.id}`))!;
    expect(held).toMatchObject({ action: 'hold', attention: false, inputs: { regions: expect.arrayContaining([expect.objectContaining({ name: 'us-east-1', state: 'unhealthy', consecutiveFailures: FALL })]) } });
    expect(held.reason).toMatch(/^us-east-1 \(active\) unhealthy for 3 rounds, but the failures began under the injected outage of game day \S+, which was aborted by test-operator and healed us-east-1 at .*: no failover on the drill's evidence; holding until us-east-1 answers again \(3 failed rounds in a row after the heal would be an outage of its own; 0 so far\)$/);

    // No run, production where it was, the region judged healthy again after rise good rounds.
    expect(await runsOldestFirst(h)).toEqual([]);
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);
    const status = (await h.controller.status()).applications[0]!;
    expect(status.activeRegion).toBe('us-east-1');
    expect(status.regions.map((r) => [r.name, r.state])).toEqual([
      ['us-east-1', 'healthy'],
      ['eu-west-1', 'healthy'],
    ]);
    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report.status).toBe('aborted');
    expect(report.verdict).toMatch(/^aborted by test-operator \(the pager went off for real\); not recovered/);
    expect(report.runs).toEqual([]);
    expect(report.attention).toBeUndefined();
  }, 60_000);

  it('still fails over when the region an aborted drill healed goes down for real: after fall failed rounds of its own', async () => {
    await ready();
    await abortWhileTheFallRoundIsInFlight();
    // A real outage right after the heal: the failure streak goes on, and must count once it is the region's own.
    await h.world.outage('us-east-1');
    const healedAt = (await h.store.listDrills({ app: 'shop', limit: 1 }))[0]!.milestones.healedAt!;
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).length > 0, { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ kind: 'failover', trigger: 'automatic', from: 'us-east-1', to: 'eu-west-1' });
    // The fall-th round after the heal: no sooner (the drill's rounds did not count), no later.
    expect(run!.createdAt - healedAt).toBeGreaterThan((FALL - 1) * INTERVAL_MS);
    expect(run!.createdAt - healedAt).toBeLessThanOrEqual(FALL * INTERVAL_MS);
    await h.world.heal('us-east-1');
  }, 60_000);

  it('links the controller’s failover that started just before the abort, before a tick took it up: no hold, and the answer names the run', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    const putRun = h.store.putRun.bind(h.store);
    let answer: LightMyRequestResponse | undefined;
    let aborting = false;
    h.store.putRun = async (run) => {
      await putRun(run);
      // The launch has just created the run; the drill's step comes later in this round: the abort lands in between.
      if (!aborting && run.kind === 'failover') {
        aborting = true;
        answer = await post(`/drills/${drill.id}/abort`, { reason: 'real incident' });
      }
    };
    expect(await h.clock.advanceUntil(async () => answer !== undefined, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(answer!.statusCode, answer!.body).toBe(202);
    expect(answer!.json().runInFlight).toBe(run!.id);
    const aborted = await drillOf(drill.id);
    expect(aborted).toMatchObject({ status: 'aborted', failoverRunId: run!.id, decision: { by: 'controller' }, milestones: { failoverStartedAt: run!.createdAt, detectedAt: expect.any(Number) } });
    expect(aborted.failoverHold).toBeUndefined();
    expect(aborted.events.map((e) => e.text)).toContain(`run ${run!.id} (failover) is left to finish: stopping it half way would leave the application split; cancel it with POST /runs/${run!.id}/cancel if you must`);
    const live = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(live.runs).toEqual([{ id: run!.id, kind: 'failover', status: 'running', trigger: 'automatic' }]);

    // The run finishes; the report follows it, and nothing else starts.
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run!.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report.runs).toEqual([{ id: run!.id, kind: 'failover', status: 'succeeded', trigger: 'automatic' }]);
    expect(report.verdict).toMatch(/^aborted by test-operator \(real incident\); recovered in \d+\.\d s/);
    expect(report.phases.find((p) => p.id === 'application-answering')).toMatchObject({ status: 'done' });
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toHaveLength(1);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  }, 60_000);

  it('links a failover the controller screened before the abort and launched after the drill was saved as ended', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    let endedSaved!: () => void;
    const ended = new Promise<void>((resolve) => (endedSaved = resolve));
    let runCreated!: () => void;
    const launched = new Promise<void>((resolve) => (runCreated = resolve));
    let abort: Promise<LightMyRequestResponse> | undefined;
    const screen = h.controller.drills.screen.bind(h.controller.drills);
    h.controller.drills.screen = async (decision, health) => {
      const screened = await screen(decision, health);
      // Screened while the drill ran: the abort is saved before the controller goes on to launch.
      if (screened.action === 'failover' && !abort) {
        abort = post(`/drills/${drill.id}/abort`);
        await ended;
      }
      return screened;
    };
    const putDrill = h.store.putDrill.bind(h.store);
    h.store.putDrill = async (d) => {
      await putDrill(d);
      // The abort's end is saved (with a hold, no run known); it goes on only once the launch has created its run.
      if (d.id === drill.id && d.status === 'aborted' && d.failoverRunId === undefined) {
        endedSaved();
        await launched;
      }
    };
    const putRun = h.store.putRun.bind(h.store);
    h.store.putRun = async (run) => {
      await putRun(run);
      if (run.kind === 'failover') runCreated();
    };
    expect(await h.clock.advanceUntil(async () => abort !== undefined, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const answer = await abort!;
    const [run] = await runsOldestFirst(h);
    expect(answer.statusCode, answer.body).toBe(202);
    expect(answer.json().runInFlight).toBe(run!.id);
    const aborted = await drillOf(drill.id);
    expect(aborted).toMatchObject({ status: 'aborted', failoverRunId: run!.id });
    // The hold would only hold a failover that has happened: taken back.
    expect(aborted.failoverHold).toBeUndefined();
    expect(aborted.events.at(-1)!.text).toMatch(new RegExp(`^failover run ${run!.id} started as the drill was aborted: the controller had decided on the outage before the heal; run ${run!.id} \\(failover\\) is left to finish`));
    expect(aborted.report!.runs.map((r) => r.id)).toEqual([run!.id]);
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run!.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await h.store.getRun(run!.id))!.status).toBe('succeeded');
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  }, 60_000);

  it('refuses an abort whose heal fails (409 saying so) and keeps the drill running; the abort tried again ends it', async () => {
    await ready();
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    await h.clock.advance(6_000);
    const heal = h.world.heal.bind(h.world);
    h.world.heal = async () => {
      throw new Error('the fault injector is unreachable');
    };
    const refused = await post(`/drills/${drill.id}/abort`, { reason: 'real incident' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe(
      `could not heal us-east-1: Error: the fault injector is unreachable: game day ${drill.id} is NOT aborted; it keeps running with its outage in, and the controller may fail over on it. Try the abort again (POST /drills/${drill.id}/abort); the drill also tries the heal again as it goes on`,
    );
    const running = await drillOf(drill.id);
    expect(running).toMatchObject({ status: 'running', stage: 'detecting' });
    expect(running.abort).toBeUndefined();
    expect(running.milestones.healedAt).toBeUndefined();
    expect(running.events.slice(-2).map((e) => e.text)).toEqual(['abort asked by test-operator: real incident; refused: us-east-1 could not be healed, so the drill carries on', 'could not heal us-east-1: Error: the fault injector is unreachable']);
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('down');

    h.world.heal = heal;
    const retried = await post(`/drills/${drill.id}/abort`, { reason: 'real incident' });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json().drill).toMatchObject({ status: 'aborted', abort: { by: 'test-operator' }, failoverHold: { region: 'us-east-1' } });
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
  }, 60_000);

  it('does not end a drill whose heal fails after its failover run stopped: tried every tick, said once, no second failover, paged after a while, ended once healed', async () => {
    await ready();
    h.world.providers.cloud.injectFault({ operation: 'ChangeResourceRecordSets', kind: 'permanent' });
    const heal = h.world.heal.bind(h.world);
    h.world.heal = async () => {
      throw new Error('the fault injector is unreachable');
    };
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status === 'failed'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    h.world.providers.cloud.clearFault();
    await h.clock.advance(6 * INTERVAL_MS);
    const waiting = await drillOf(drill.id);
    expect(waiting).toMatchObject({ status: 'running', stage: 'failing-over' });
    expect(waiting.events.filter((e) => e.text.startsWith('could not heal us-east-1'))).toHaveLength(1);
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('down');
    // The region is down under the drill's outage, and the drill's own failover has failed: the controller holds.
    const held = (await h.store.listDecisions({ app: 'shop', limit: 20 })).find((d) => d.reason.includes(`whose failover run`));
    expect(held).toMatchObject({ action: 'hold', attention: false });
    expect(waiting.error).not.toMatch(/could not be healed/);

    // Failing for longer than the drill waits: it asks for an operator, once, and the hold pages.
    await h.clock.advance(HEAL_ALARM_MS);
    const stuck = await drillOf(drill.id);
    expect(stuck).toMatchObject({ status: 'running', stage: 'failing-over', healFailure: { alarmedAt: expect.any(Number) } });
    expect(stuck.error).toMatch(/; the injected outage of us-east-1 could not be healed since .*: us-east-1 stays down until it is/);
    expect(stuck.events.filter((e) => e.text.startsWith('could not heal us-east-1'))).toHaveLength(1);
    const [paging] = await h.store.listDecisions({ app: 'shop', limit: 1 });
    expect(paging).toMatchObject({ action: 'hold', attention: true, reason: expect.stringMatching(/and the outage could not be healed since .*us-east-1 stays down until an operator heals it/) });

    h.world.heal = heal;
    expect(await untilEnded(drill.id)).toBe(true);
    const ended = await drillOf(drill.id);
    expect(ended).toMatchObject({ status: 'failed', failoverHold: { region: 'us-east-1', healedAt: ended.milestones.healedAt } });
    expect(h.world.regions().find((r) => r.name === 'us-east-1')!.mode).toBe('healthy');
    await h.clock.advance(5 * 60_000);
    expect(await runsOldestFirst(h)).toHaveLength(1);
  }, 60_000);
});

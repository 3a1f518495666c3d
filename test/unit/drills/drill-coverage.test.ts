import { describe, expect, it } from 'vitest';
import type { DrillCoverage, DrillRecord } from '../../../src/drills/drill.js';
import { buildDrillReport } from '../../../src/drills/drill-report.js';
import type { RunRecord, StepProgress } from '../../../src/runbook/run.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';
import { runFixture } from '../../support/run-fixture.js';

const T0 = DRILL_T0;

function step(id: string, startedAt: number, finishedAt: number): StepProgress {
  return { id, title: id, status: 'succeeded', startedAt, finishedAt };
}

/** A failover run created at `at`: 7.5 s to the application answering in eu-west-1. */
function failover(at: number, patch: Partial<RunRecord> = {}): RunRecord {
  return runFixture({
    id: 'run-fo',
    status: 'succeeded',
    createdAt: at,
    finishedAt: at + 7_500,
    steps: [step('promote-standby-database', at, at + 5_000), step('switch-dns-to-standby', at + 5_000, at + 7_000), step('verify-application-in-standby', at + 7_000, at + 7_500)],
    ...patch,
  });
}

const report = (drill: DrillRecord, failoverRun?: RunRecord, failbackRun?: RunRecord) =>
  buildDrillReport({ drill, ...(failoverRun ? { failoverRun } : {}), ...(failbackRun ? { failbackRun } : {}), policy: { rtoSeconds: 100, rpoSeconds: 60 }, environment: 'sim', now: T0 + 60_000 });

const statuses = (coverage: DrillCoverage[] | undefined) => Object.fromEntries((coverage ?? []).map((c) => [c.phase, `${c.status}${c.by ? ` by ${c.by}` : ''}`]));

describe('a game day report says which links of the chain it exercised, and what its RTO measures', () => {
  it('a decision the controller made: every link its own, the RTO from the injection', () => {
    const run = failover(T0 + 15_000);
    const drill = drillFixture({
      stage: 'awaiting-primary',
      decider: 'controller',
      decision: { by: 'controller', reason: 'us-east-1 (active) unhealthy for 3 rounds: failing over' },
      detection: { reason: 'judged unhealthy by the controller after 3 failed probe rounds in a row' },
      failoverRunId: run.id,
      milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000, failoverEndedAt: T0 + 22_500, healedAt: T0 + 25_000 },
    });
    const r = report(drill, run);
    expect(statuses(r.coverage)).toEqual({
      injection: 'exercised by drill',
      detection: 'exercised by controller',
      decision: 'exercised by controller',
      failover: 'exercised by controller',
      failback: 'pending',
    });
    expect(r.coverage!.find((c) => c.phase === 'decision')!.note).toBe('decided by the controller: us-east-1 (active) unhealthy for 3 rounds: failing over');
    expect(r.rto).toEqual({ rtoSeconds: 100, from: 'injection', totalMs: 22_500, percentOfRto: 22.5, met: true });
    expect(r.verdict).toBe('in progress (awaiting-primary): recovered in 22.5 s against an RTO of 100 s (22.5 %): met');
  });

  it('a decision the drill stood in for after the controller held: said so, and its wait counted neither as the decision nor in the RTO', () => {
    // Judged down at +15 s; the controller held (cooldown); the drill failed over by hand 30 s later.
    const run = failover(T0 + 45_000, { trigger: 'manual', drillId: 'drill-1' });
    const held = 'us-east-1 (active) unhealthy for 3 rounds; eu-west-1 is healthy, but the last failover was less than 600 s ago (212 s of cooldown left): paging instead';
    const drill = drillFixture({
      status: 'succeeded',
      stage: 'ended',
      failback: false,
      finishedAt: T0 + 60_000,
      decider: 'controller',
      decision: { by: 'drill', reason: held },
      failoverRunId: run.id,
      milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 45_000, failoverEndedAt: T0 + 52_500, healedAt: T0 + 53_000 },
    });
    const r = report(drill, run);
    const decision = r.coverage!.find((c) => c.phase === 'decision')!;
    expect(decision).toMatchObject({ status: 'stood-in', by: 'drill' });
    expect(decision.note).toBe(`not the controller's decision (${held}): the drill failed over by hand as the paged operator would, after waiting 30.0 s for the controller (not counted as the decision, nor in the recovery time)`);
    expect(statuses(r.coverage)).toMatchObject({ detection: 'exercised by controller', failback: 'skipped' });
    // The timed decision is the drill's act, at the run's start, taking no time; the wait is not in it.
    expect(r.phases.find((p) => p.id === 'decision')).toMatchObject({ status: 'done', startedAt: T0 + 45_000, durationMs: 0, offsetMs: 45_000 });
    expect(r.phases.find((p) => p.id === 'decision')!.note).toMatch(/; the drill waited 30\.0 s for the controller first: not counted as the decision, nor in the recovery time$/);
    // 52.5 s from the injection, less the 30 s wait: detection (15 s) and the run (7.5 s).
    expect(r.rto).toMatchObject({ totalMs: 22_500, met: true, notMeasured: ['decision'], excludedMs: 30_000 });
    expect(r.totalMs).toBe(22_500);
    expect(r.verdict).toBe(
      "recovered in 22.5 s against an RTO of 100 s (22.5 %): met for detection and the failover run only; decision not exercised (the drill's 30.0 s wait for the controller left out)",
    );
  });

  it('a game day begun by a manual failover (AWS): injection, detection and decision skipped, the RTO met for the failover run only', () => {
    const run = failover(T0, { trigger: 'manual', drillId: 'drill-1' });
    const drill = drillFixture({
      trigger: 'manual-failover',
      status: 'succeeded',
      stage: 'ended',
      failback: false,
      finishedAt: T0 + 30_000,
      decision: { by: 'drill', reason: 'manual failover by alice: no fault can be injected here' },
      failoverRunId: run.id,
      milestones: { startedAt: T0, failoverStartedAt: T0, failoverEndedAt: T0 + 7_500 },
    });
    const r = report(drill, run);
    expect(statuses(r.coverage)).toEqual({ injection: 'skipped', detection: 'skipped', decision: 'skipped', failover: 'exercised by controller', failback: 'skipped' });
    expect(r.rto).toMatchObject({ from: 'manual-trigger', totalMs: 7_500, notMeasured: ['detection', 'decision'] });
    expect(r.rto.excludedMs).toBeUndefined();
    expect(r.verdict).toBe('recovered in 7.5 s against an RTO of 100 s (7.5 %): met for the failover run only; detection and decision not exercised');
  });

  it('an operator who failed over of their own accord: a real decision, counted, but said not to be the controller’s', () => {
    const run = failover(T0 + 40_000, { trigger: 'manual' });
    const drill = drillFixture({
      stage: 'failing-over',
      decision: { by: 'operator', reason: 'bob: failing over now' },
      failoverRunId: run.id,
      milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 40_000, failoverEndedAt: T0 + 47_500 },
    });
    const r = report(drill, run);
    expect(statuses(r.coverage)).toMatchObject({ decision: 'stood-in by operator' });
    expect(r.phases.find((p) => p.id === 'decision')).toMatchObject({ durationMs: 25_000 });
    expect(r.rto).toMatchObject({ totalMs: 47_500 });
    expect(r.rto.notMeasured).toBeUndefined();
    expect(r.verdict).toBe("in progress (failing-over): recovered in 47.5 s against an RTO of 100 s (47.5 %): met; the decision was an operator's, not the controller's (counted)");
  });

  it('says what a drill aborted during detection never reached', () => {
    const drill = drillFixture({ status: 'aborted', stage: 'ended', finishedAt: T0 + 10_000, abort: { by: 'bob', at: T0 + 10_000 }, milestones: { startedAt: T0, healedAt: T0 + 10_000 } });
    const r = report(drill);
    expect(statuses(r.coverage)).toEqual({ injection: 'exercised by drill', detection: 'skipped', decision: 'skipped', failover: 'skipped', failback: 'skipped' });
    expect(r.coverage!.find((c) => c.phase === 'failover')!.note).toBe('not reached: the drill was aborted by bob before it');
  });

  it('waits, while it runs, for what is to come, saying who is to decide', () => {
    const detecting = drillFixture({ decider: 'operator', milestones: { startedAt: T0, detectedAt: T0 + 15_000 } });
    const r = report(detecting);
    expect(r.coverage!.find((c) => c.phase === 'decision')).toEqual({ phase: 'decision', status: 'pending', note: 'the drill fails over by hand as the paged operator would' });
    expect(statuses(r.coverage)).toMatchObject({ detection: 'exercised by controller', failover: 'pending', failback: 'pending' });
  });
});

import { describe, expect, it } from 'vitest';
import { runbooks } from '../../../runbooks/index.js';
import type { DrillRecord } from '../../../src/drills/drill.js';
import { STEP_PHASES } from '../../../src/drills/drill-phases.js';
import { buildDrillReport, type DrillReportInputs } from '../../../src/drills/drill-report.js';
import type { RunRecord, StepProgress } from '../../../src/runbook/run.js';
import { flattenSteps } from '../../../src/runbook/step.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';

const T0 = DRILL_T0;
const POLICY = { rtoSeconds: 100, rpoSeconds: 60 };

const drill = drillFixture;

function step(id: string, startedAt?: number, finishedAt?: number, status: StepProgress['status'] = finishedAt !== undefined ? 'succeeded' : startedAt !== undefined ? 'running' : 'pending', message?: string): StepProgress {
  return { id, title: id, status, ...(startedAt !== undefined ? { startedAt } : {}), ...(finishedAt !== undefined ? { finishedAt } : {}), ...(message ? { message } : {}) };
}

function run(kind: RunRecord['kind'], createdAt: number, steps: StepProgress[], patch: Partial<RunRecord> = {}): RunRecord {
  return { id: `run-${kind}`, app: 'shop', kind, runbook: kind, from: 'us-east-1', to: 'eu-west-1', trigger: 'automatic', reason: 'r', status: 'succeeded', createdAt, steps, ...patch };
}

/** A failover decided 15 s after the injection: promotion 5 s beside a 3 s scale-up, DNS 2 s, the check at once. */
const FAILOVER = run('failover', T0 + 15_000, [
  step('check-data-loss-within-rpo', T0 + 15_000, T0 + 15_000, 'skipped', 'no approval needed: estimated data loss up to 2 s of writes (lag 2 s at …); RPO 60 s'),
  step('promote-standby-database', T0 + 15_000, T0 + 20_000),
  step('scale-up-standby-compute', T0 + 15_000, T0 + 18_000),
  step('switch-dns-to-standby', T0 + 20_000, T0 + 22_000),
  step('verify-application-in-standby', T0 + 22_000, T0 + 22_500),
], { finishedAt: T0 + 22_500 });

const report = (inputs: Partial<DrillReportInputs> & { drill: DrillRecord }) => buildDrillReport({ policy: POLICY, environment: 'sim', now: T0 + 60_000, ...inputs });

describe('buildDrillReport', () => {
  it('times each failover phase against the RTO, from the milestones and the run steps', () => {
    const r = report({
      drill: drill({ stage: 'awaiting-primary', milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000, failoverEndedAt: T0 + 22_500, healedAt: T0 + 25_000 }, failoverRunId: FAILOVER.id }),
      failoverRun: FAILOVER,
    });
    const byId = Object.fromEntries(r.phases.map((p) => [p.id, p]));
    expect(byId['detection']).toMatchObject({ status: 'done', startedAt: T0, durationMs: 15_000, percentOfRto: 15, offsetMs: 0 });
    expect(byId['decision']).toMatchObject({ status: 'done', durationMs: 0, offsetMs: 15_000 });
    expect(byId['data-loss-check']).toMatchObject({ status: 'done', durationMs: 0 });
    expect(byId['database-promotion']).toMatchObject({ status: 'done', durationMs: 5_000, percentOfRto: 5, offsetMs: 15_000, steps: ['promote-standby-database'] });
    expect(byId['compute-scale-up']).toMatchObject({ status: 'done', durationMs: 3_000, percentOfRto: 3 });
    expect(byId['dns-insync']).toMatchObject({ status: 'done', durationMs: 2_000, offsetMs: 20_000 });
    expect(byId['application-answering']).toMatchObject({ status: 'done', durationMs: 500, offsetMs: 22_000 });
    expect(r.rto).toEqual({ rtoSeconds: 100, from: 'injection', totalMs: 22_500, percentOfRto: 22.5, met: true });
    expect(r).toMatchObject({ totalMs: 22_500, rtoMet: true, rtoSeconds: 100 });
    expect(r.rpoEstimate).toEqual({ rpoSeconds: 60, seconds: 2, withinRpo: true, summary: 'estimated data loss up to 2 s of writes (lag 2 s at …); RPO 60 s' });
    // The failback half: the primary is being watched since the heal; its run has not started.
    expect(byId['primary-recovery']).toMatchObject({ part: 'failback', status: 'running', startedAt: T0 + 25_000, durationMs: 35_000, offsetMs: 0 });
    expect(byId['failback-database']).toMatchObject({ part: 'failback', status: 'pending' });
    expect(r.verdict).toBe('in progress (awaiting-primary): recovered in 22.5 s against an RTO of 100 s (22.5 %): met; data loss estimate 2 s (RPO 60 s)');
  });

  it('times a failover still running up to now, and says the RTO is missed once it has run out', () => {
    const running = run('failover', T0 + 15_000, [step('check-data-loss-within-rpo', T0 + 15_000, T0 + 15_000, 'skipped', 'no approval needed: x'), step('promote-standby-database', T0 + 15_000), step('scale-up-standby-compute', T0 + 15_000, T0 + 18_000)], { status: 'running' });
    const d = drill({ stage: 'failing-over', milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000 } });
    const early = report({ drill: d, failoverRun: running, now: T0 + 50_000 });
    expect(early.phases.find((p) => p.id === 'database-promotion')).toMatchObject({ status: 'running', durationMs: 35_000 });
    expect(early.phases.find((p) => p.id === 'dns-insync')).toMatchObject({ status: 'pending' });
    expect(early.rto).toMatchObject({ elapsedMs: 50_000, percentOfRto: 50 });
    expect(early.rto.met).toBeUndefined();
    const late = report({ drill: d, failoverRun: running, now: T0 + 150_000 });
    expect(late.rto).toMatchObject({ elapsedMs: 150_000, met: false });
    // The guard passed without a readable estimate: unknown, never assumed zero.
    expect(late.verdict).toBe('in progress (failing-over): not recovered after 150.0 s (RTO 100 s: MISSED); data loss estimate unknown (RPO 60 s)');
  });

  it('reports a failed run: the failing phase with its message, unreached phases failed too', () => {
    const failed = run(
      'failover',
      T0 + 15_000,
      [step('check-data-loss-within-rpo', T0 + 15_000, T0 + 15_000, 'skipped', 'no approval needed: x'), step('promote-standby-database', T0 + 15_000, T0 + 40_000, 'failed', 'promote: permanent error'), step('scale-up-standby-compute', T0 + 15_000, T0 + 18_000), step('switch-dns-to-standby'), step('verify-application-in-standby')],
      { status: 'failed', finishedAt: T0 + 40_000, error: 'failed at promote' },
    );
    const r = report({ drill: drill({ status: 'failed', stage: 'ended', finishedAt: T0 + 45_000, error: 'the failover run failed', milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000, failoverEndedAt: T0 + 40_000, healedAt: T0 + 45_000 } }), failoverRun: failed });
    expect(r.phases.find((p) => p.id === 'database-promotion')).toMatchObject({ status: 'failed', durationMs: 25_000, note: 'promote: permanent error' });
    expect(r.phases.find((p) => p.id === 'dns-insync')).toMatchObject({ status: 'skipped' });
    expect(r.phases.find((p) => p.id === 'primary-recovery')).toMatchObject({ status: 'failed', durationMs: 0 });
    expect(r.rto).toMatchObject({ elapsedMs: 45_000 });
    expect(r.verdict).toMatch(/^failed: the failover run failed; not recovered after 45\.0 s/);
    expect(r.error).toBe('the failover run failed');
  });

  it('says detection and decision were not exercised for a game day begun by a manual failover, and times the RTO from the trigger', () => {
    const manual = { ...FAILOVER, trigger: 'manual' as const, createdAt: T0 };
    const r = report({ drill: drill({ trigger: 'manual-failover', failback: false, status: 'succeeded', stage: 'ended', finishedAt: T0 + 30_000, milestones: { startedAt: T0, failoverStartedAt: T0 } }), failoverRun: manual });
    expect(r.phases.slice(0, 2)).toEqual([
      expect.objectContaining({ id: 'detection', status: 'not-exercised' }),
      expect.objectContaining({ id: 'decision', status: 'not-exercised' }),
    ]);
    expect(r.phases.some((p) => p.part === 'failback')).toBe(false);
    expect(r.failback).toBeUndefined();
    expect(r.rto).toMatchObject({ from: 'manual-trigger', totalMs: 22_500 });
    expect(r.runs).toEqual([{ id: 'run-failover', kind: 'failover', status: 'succeeded', trigger: 'manual' }]);
  });

  it('marks what an abort left undone as skipped, and reports a step it does not know as a phase of its own', () => {
    const extra = { ...FAILOVER, steps: [...FAILOVER.steps, step('warm-caches', T0 + 22_500, T0 + 24_000)] };
    const r = report({ drill: drill({ status: 'aborted', stage: 'ended', finishedAt: T0 + 30_000, abort: { by: 'bob', at: T0 + 30_000, reason: 'real incident' }, milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000, failoverEndedAt: T0 + 24_000, healedAt: T0 + 30_000 } }), failoverRun: extra });
    expect(r.phases.find((p) => p.id === 'other')).toMatchObject({ part: 'failover', name: 'warm-caches', status: 'done', durationMs: 1_500 });
    expect(r.phases.find((p) => p.id === 'primary-recovery')).toMatchObject({ status: 'skipped' });
    expect(r.phases.find((p) => p.id === 'failback-database')).toMatchObject({ status: 'skipped' });
    expect(r.verdict).toBe('aborted by bob (real incident); recovered in 22.5 s against an RTO of 100 s (22.5 %): met; data loss estimate 2 s (RPO 60 s)');
  });

  it('follows a run an abort left in flight: its phases timed up to now, and the verdict says it still runs', () => {
    const inFlight = run('failover', T0 + 15_000, [
      step('check-data-loss-within-rpo', T0 + 15_000, T0 + 15_000, 'skipped', 'no approval needed: estimated data loss up to 2 s of writes (lag 2 s at …); RPO 60 s'),
      step('promote-standby-database', T0 + 15_000),
      step('scale-up-standby-compute', T0 + 15_000, T0 + 18_000),
      step('switch-dns-to-standby'),
      step('verify-application-in-standby'),
    ], { status: 'running' });
    const aborted = drill({ status: 'aborted', stage: 'ended', finishedAt: T0 + 20_000, abort: { by: 'bob', at: T0 + 20_000 }, failoverRunId: inFlight.id, milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000, healedAt: T0 + 20_000 } });
    const r = report({ drill: aborted, failoverRun: inFlight });
    expect(r.phases.find((p) => p.id === 'database-promotion')).toMatchObject({ status: 'running', durationMs: 45_000 });
    expect(r.phases.find((p) => p.id === 'dns-insync')).toMatchObject({ status: 'pending' });
    expect(r.verdict).toBe('aborted by bob; not recovered after 20.0 s (RTO 100 s); data loss estimate 2 s (RPO 60 s); its failover run run-failover is still running (this report follows it until it ends)');
    expect(r.attention).toBeUndefined();
  });

  it('reads an unknown or too large data-loss estimate as such', () => {
    const withGuard = (message: string) => ({ ...FAILOVER, steps: FAILOVER.steps.map((s) => (s.id === 'check-data-loss-within-rpo' ? { ...s, status: 'succeeded' as const, message } : s)) });
    const d = drill({ milestones: { startedAt: T0, detectedAt: T0 + 15_000, failoverStartedAt: T0 + 15_000 } });
    expect(report({ drill: d, failoverRun: withGuard('estimated data loss up to 90 s of writes (lag 90 s at …); RPO 60 s: above the RPO') }).rpoEstimate).toMatchObject({ seconds: 90, withinRpo: false });
    const unknown = report({ drill: d, failoverRun: withGuard('replication lag unknown (no recent sample): data loss cannot be estimated; RPO 60 s') });
    expect(unknown.rpoEstimate).toEqual({ rpoSeconds: 60, summary: 'replication lag unknown (no recent sample): data loss cannot be estimated; RPO 60 s' });
    expect(unknown.verdict).toContain('data loss estimate unknown (RPO 60 s)');
  });

  it('knows every step of the shipped runbooks', () => {
    for (const kind of ['failover', 'failback'] as const) {
      const mapped = STEP_PHASES[kind].flatMap((p) => p.steps).sort();
      expect(mapped, kind).toEqual(flattenSteps(runbooks[kind].root).map((s) => s.id).sort());
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { JournalEntry, RunPlan, RunRecord, StatusView } from '../../../src/cli/api-types.js';
import {
  formatApprovalWait,
  formatDuration,
  formatPlan,
  formatRunDetail,
  formatRunList,
  formatRunOutcome,
  formatStatus,
  formatStepTransition,
  formatTime,
  pendingApproval,
  stepCounts,
  table,
} from '../../../src/cli/format.js';
import { runFixture } from '../../support/run-fixture.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    ...runFixture({ trigger: 'manual', reason: 'game day', status: 'running', createdAt: T0 }),
    steps: [
      { id: 'check-data-loss-within-rpo', title: 'RPO', status: 'skipped', startedAt: T0, finishedAt: T0, message: 'within RPO' },
      { id: 'promote-standby-database', title: 'Promote', status: 'running', startedAt: T0 + 100 },
      { id: 'scale-up-standby-compute', title: 'Scale', status: 'succeeded', startedAt: T0 + 100, finishedAt: T0 + 3_200, message: 'desired 4, 4 in service' },
      { id: 'switch-dns-to-standby', title: 'DNS', status: 'pending' },
    ],
    ...overrides,
  };
}

describe('durations and times', () => {
  it.each([
    [0, '0.0 s'],
    [420, '0.4 s'],
    [7_240, '7.2 s'],
    [59_949, '59.9 s'],
    [185_000, '3 min 05 s'],
    [2 * 3600_000 + 10 * 60_000, '2 h 10 min'],
    [-5, '0.0 s'],
  ])('%i ms is "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints times in UTC, like the controller', () => {
    expect(formatTime(T0 + 30_000)).toBe('2026-11-24 12:00:30Z');
  });

  it('pads columns but not the last', () => {
    expect(table([['a', 'bb', 'x'], ['ccc', 'd', 'y']])).toEqual(['a    bb  x', 'ccc  d   y']);
  });
});

describe('status', () => {
  const status: StatusView = {
    provider: 'sim',
    vantage: 'local',
    now: T0 + 10_000,
    applications: [
      {
        name: 'shop',
        primaryRegion: 'us-east-1',
        activeRegion: 'eu-west-1',
        decision: { action: 'hold', reason: 'eu-west-1 (active) is healthy', at: T0 },
        regions: [
          { name: 'us-east-1', role: 'standby', preference: 0, state: 'unhealthy', since: T0, consecutiveFailures: 3, consecutiveSuccesses: 0, summary: '1/1 probes failed (refused)', sentence: 'us-east-1 (standby) is unhealthy since 12:00:00Z after 3 failed rounds', lastResults: [] },
          { name: 'eu-west-1', role: 'active', preference: 1, state: 'healthy', since: T0, consecutiveFailures: 0, consecutiveSuccesses: 9, summary: '1/1 probes ok', sentence: 'eu-west-1 (active) is healthy since 12:00:00Z: 1/1 probes ok', lastResults: [] },
        ],
        currentRun: run(),
        availability: { targetPercent: 99.95, windows: [{ window: '24h', measuredMs: 86_400_000, downMs: 432_000, availabilityPercent: 99.5, targetPercent: 99.95, allowedDownMs: 43_200, budgetLeftMs: -388_800, budgetLeftPercent: -900, met: false }] },
      },
    ],
  };

  it('shows one line per region with role, state and sentence, the policy reason, availability and the run', () => {
    expect(formatStatus(status, T0 + 10_000).split('\n')).toEqual([
      'shop: active region eu-west-1 (primary is us-east-1)',
      '  us-east-1  standby  unhealthy  us-east-1 (standby) is unhealthy since 12:00:00Z after 3 failed rounds',
      '  eu-west-1  active   healthy    eu-west-1 (active) is healthy since 12:00:00Z: 1/1 probes ok',
      '  policy: hold: eu-west-1 (active) is healthy',
      '  availability 24h: 99.5% (target 99.95%, missed: error budget overspent by 6 min 29 s)',
      '  run run-1: failover of shop us-east-1 -> eu-west-1, running, 2/4 steps, at promote-standby-database, for 10.0 s',
    ]);
  });

  it('names the last run when none is in progress', () => {
    const [app] = status.applications;
    const idle = { ...status, applications: [{ ...app!, currentRun: undefined, lastRun: run({ status: 'succeeded', finishedAt: T0 + 7_000 }) }] };
    expect(formatStatus(idle, T0)).toContain('  run: none in progress; last run-1 (failover, succeeded at 2026-11-24 12:00:07Z)');
  });
});

describe('plans', () => {
  const plan: RunPlan = {
    app: 'shop',
    kind: 'failover',
    runbook: 'regional-failover',
    from: 'us-east-1',
    to: 'eu-west-1',
    basedOnRuns: 0,
    staticStability: [],
    note: 'nothing was changed',
    steps: [{ id: 'promote-standby-database', title: 'Promote', resource: 'rds:shop-db-eu-west-1 (eu-west-1)', current: 'replica of us-east-1 (available)', desired: 'writer (available)', action: 'act' }],
  };

  it('shows each step with its resource, now and wanted', () => {
    expect(formatPlan(plan).split('\n')).toEqual([
      'plan: failover of shop us-east-1 -> eu-west-1 (runbook regional-failover); nothing was changed',
      'expected duration unknown: no past run of this runbook',
      '1. promote-standby-database [would act]',
      '   rds:shop-db-eu-west-1 (eu-west-1)',
      '   now:    replica of us-east-1 (available)',
      '   wanted: writer (available)',
      'nothing was changed',
    ]);
  });

  it('names each call on the path into what the outage may take down, with its fix', () => {
    const finding = { app: 'shop', from: 'us-east-1', to: 'eu-west-1', call: 'route53:ChangeResourceRecordSets', why: 'control plane in us-east-1', fix: 'traffic.mode: health-checks' };
    expect(formatPlan({ ...plan, staticStability: [finding] }).split('\n').at(-2)).toBe(
      'static stability: route53:ChangeResourceRecordSets: control plane in us-east-1; fix: traffic.mode: health-checks',
    );
  });

  it('gives the expected durations from past runs', () => {
    const text = formatPlan({ ...plan, expectedMs: 7_000, basedOnRuns: 2, steps: [{ ...plan.steps[0]!, action: 'none', expectedMs: 5_000 }] });
    expect(text).toContain('expected duration 7.0 s, from 2 past run(s)');
    expect(text).toContain('1. promote-standby-database [already done, about 5.0 s]');
  });
});

describe('runs', () => {
  it('lists runs with what, status, start and duration', () => {
    expect(formatRunList([run({ status: 'succeeded', finishedAt: T0 + 7_200 }), run({ id: 'run-2' })]).split('\n')).toEqual([
      'RUN    KIND      FROM -> TO              TRIGGER  STATUS     STARTED               TOOK',
      'run-1  failover  us-east-1 -> eu-west-1  manual   succeeded  2026-11-24 12:00:00Z  7.2 s',
      'run-2  failover  us-east-1 -> eu-west-1  manual   running    2026-11-24 12:00:00Z  -',
    ]);
    expect(formatRunList([])).toBe('no runs');
  });

  it('shows one run step by step with durations (a running step counts up to now), approvals and the error', () => {
    const text = formatRunDetail(
      run({ status: 'failed', finishedAt: T0 + 9_000, error: 'failed at promote-standby-database: AccessDenied', approvals: [{ stepId: 'check-data-loss-within-rpo', decision: 'approved', by: 'alice', at: T0, comment: 'ok' }] }),
      T0 + 5_100,
    );
    expect(text.split('\n')).toEqual([
      'run run-1: failover of shop us-east-1 -> eu-west-1, manual: game day',
      'failed; started 2026-11-24 12:00:00Z, took 9.0 s',
      '  already done  check-data-loss-within-rpo  0.0 s  within RPO',
      '  running       promote-standby-database    5.0 s',
      '  succeeded     scale-up-standby-compute    3.1 s  desired 4, 4 in service',
      '  pending       switch-dns-to-standby       -',
      '  check-data-loss-within-rpo: approved by alice at 2026-11-24 12:00:00Z: ok',
      'error: failed at promote-standby-database: AccessDenied',
    ]);
  });

  it('names who started a manual run and who answered or cancelled, with a name the request stated beside it marked as such', () => {
    const text = formatRunDetail(
      run({
        startedBy: 'alice-oncall',
        status: 'cancelled',
        finishedAt: T0 + 9_000,
        approvals: [{ stepId: 'check-data-loss-within-rpo', decision: 'approved', by: 'bob-oncall', statedBy: 'Bob', at: T0 }],
        cancelRequested: { by: 'alice-oncall', statedBy: 'carol', at: T0 + 8_000, rollback: false },
      }),
      T0 + 9_000,
    ).split('\n');
    expect(text[0]).toBe('run run-1: failover of shop us-east-1 -> eu-west-1, manual by alice-oncall: game day');
    expect(text).toContain('  check-data-loss-within-rpo: approved by bob-oncall (stated: Bob) at 2026-11-24 12:00:00Z');
    expect(text).toContain('  cancel requested by alice-oncall (stated: carol) at 2026-11-24 12:00:08Z');
  });

  it('says each step transition in one line', () => {
    expect(formatStepTransition({ id: 'promote-standby-database', title: 'x', status: 'running', startedAt: T0, message: 'ignored while running' })).toBe('  promote-standby-database: running');
    expect(formatStepTransition({ id: 'scale-up-standby-compute', title: 'x', status: 'succeeded', startedAt: T0, finishedAt: T0 + 3_000, message: 'desired 4' })).toBe('  scale-up-standby-compute: succeeded in 3.0 s: desired 4');
    // A step whose check found its goal already true is "already done", not "skipped" (its stored status).
    expect(formatStepTransition({ id: 'verify-application-in-standby', title: 'x', status: 'skipped', startedAt: T0, finishedAt: T0, message: 'already done' })).toBe('  verify-application-in-standby: already done');
    expect(formatStepTransition({ id: 'promote-standby-database', title: 'x', status: 'skipped', startedAt: T0, finishedAt: T0, message: 'already done: writer (available)' })).toBe('  promote-standby-database: already done: writer (available)');
  });

  it('shows a polling step\'s last observation in the run\'s detail', () => {
    const text = formatRunDetail(
      run({ steps: [{ id: 'verify-application-in-standby', title: 'x', status: 'running', startedAt: T0, lastObservation: { at: T0 + 4_000, text: '1/1 probes failing (HTTP 503); wanted: 1/1 probes ok' } }] }),
      T0 + 5_000,
    );
    expect(text.split('\n')).toContain('  running  verify-application-in-standby  5.0 s  last seen at 12:00:04Z: 1/1 probes failing (HTTP 503); wanted: 1/1 probes ok');
  });

  it('says how a run ended, with the failure reason', () => {
    expect(formatRunOutcome(run({ status: 'succeeded', finishedAt: T0 + 7_000 }))).toBe('run run-1 succeeded after 7.0 s: shop now runs in eu-west-1');
    expect(formatRunOutcome(run({ status: 'failed', finishedAt: T0 + 2_000, error: 'failed at x: denied' }))).toBe('run run-1 failed after 2.0 s: failed at x: denied');
    const cancelled = run({ status: 'cancelled', finishedAt: T0 + 2_000, cancelRequested: { by: 'carol', at: T0, rollback: true, comment: 'wrong region' } });
    expect(formatRunOutcome({ ...cancelled, rollback: { outcome: 'complete', undone: ['scale-up-standby-compute'], notUndone: [] } })).toBe('run run-1 was cancelled after 2.0 s by carol, and rolled back: wrong region');
    expect(formatRunOutcome({ ...cancelled, cancelRequested: { by: 'carol', at: T0, rollback: false } })).toBe('run run-1 was cancelled after 2.0 s by carol');
  });

  it('says which compensations failed when a rollback did not undo everything, and never "rolled back" then', () => {
    const cancelled = run({ status: 'cancelled', finishedAt: T0 + 2_000, cancelRequested: { by: 'carol', at: T0, rollback: true } });
    const partial = { ...cancelled, rollback: { outcome: 'partial' as const, undone: ['scale-up-standby-compute'], notUndone: [{ step: 'switch-dns-to-standby', error: 'Throttling: Rate exceeded' }] } };
    expect(formatRunOutcome(partial).split('\n')).toEqual([
      'run run-1 was cancelled after 2.0 s by carol, but its rollback is incomplete',
      '  ROLLBACK INCOMPLETE: 1 step(s) not undone; what they did stands',
      '    not undone: switch-dns-to-standby: Throttling: Rate exceeded',
      '    undone: scale-up-standby-compute',
      '    check the world before anything else: failover status, failover plan',
    ]);
    expect(formatRunOutcome({ ...cancelled, rollback: { outcome: 'failed', undone: [], notUndone: [{ step: 'promote-standby-database', error: 'promote-standby-database cannot be undone' }] } })).toContain(
      'by carol, but its rollback is a failure\n  ROLLBACK FAILED: 1 step(s) not undone',
    );
    expect(formatRunOutcome(cancelled)).toContain('but its rollback is not known\n  rollback: its outcome was not recorded');
    expect(formatRunDetail(partial, T0 + 2_000).split('\n')).toContain('    not undone: switch-dns-to-standby: Throttling: Rate exceeded');
    expect(formatRunList([partial]).split('\n')[1]).toContain('cancelled, rollback partial');
  });

  it('counts steps that are over', () => {
    expect(stepCounts(run())).toEqual({ done: 2, total: 4 });
  });
});

describe('approval gates', () => {
  const waiting = run({ steps: [{ id: 'check-data-loss-within-rpo', title: 'RPO', status: 'running', startedAt: T0 }] });
  const entry = (seq: number, type: JournalEntry['type'], detail?: Record<string, unknown>): JournalEntry => ({ seq, at: T0 + seq, runId: 'run-1', type, stepId: 'check-data-loss-within-rpo', ...(detail ? { detail } : {}) });

  it('finds the unanswered request of a running gate', () => {
    const journal = [entry(1, 'step-started'), entry(2, 'approval-requested', { reason: 'lag 90 s above the RPO', timeoutMs: 1_800_000 })];
    expect(pendingApproval(waiting, journal)).toEqual({ stepId: 'check-data-loss-within-rpo', reason: 'lag 90 s above the RPO', timeoutMs: 1_800_000, requestedAt: T0 + 2 });
  });

  it('finds nothing once answered, or when the run has ended', () => {
    expect(pendingApproval(waiting, [entry(1, 'approval-requested', { reason: 'x' }), entry(2, 'approved', { by: 'alice' })])).toBeUndefined();
    expect(pendingApproval({ ...waiting, status: 'failed' }, [entry(1, 'approval-requested', { reason: 'x' })])).toBeUndefined();
  });

  it('tells the operator why, until when, and the commands that answer', () => {
    const text = formatApprovalWait(waiting, { stepId: 'check-data-loss-within-rpo', reason: 'lag 90 s above the RPO', timeoutMs: 1_800_000, requestedAt: T0 });
    expect(text.split('\n')).toEqual([
      'run run-1 is waiting for approval at check-data-loss-within-rpo (until 2026-11-24 12:30:00Z): lag 90 s above the RPO',
      '  to approve: failover approve run-1 --comment "why"',
      '  to reject:  failover approve run-1 --reject',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { pendingApprovals } from '../../../src/controller/pending-approvals.js';
import type { JournalEntry, RunRecord } from '../../../src/runbook/run.js';
import { runFixture } from '../../support/run-fixture.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    ...runFixture({ trigger: 'automatic', reason: 'us-east-1 is down', status: 'running', createdAt: T0 }),
    steps: [
      { id: 'check-data-loss-within-rpo', title: 'Check the data loss estimate', status: 'running', startedAt: T0 + 1_000 },
      { id: 'promote-standby-database', title: 'Promote', status: 'pending' },
    ],
    ...overrides,
  };
}

const asked: JournalEntry = {
  seq: 3,
  at: T0 + 1_200,
  runId: 'run-1',
  type: 'approval-requested',
  stepId: 'check-data-loss-within-rpo',
  detail: { reason: 'estimated data loss up to 90 s of writes; RPO 30 s: above the RPO', timeoutMs: 1_800_000, onTimeout: 'fail' },
};

describe('pending approvals', () => {
  it('a gate asked for and not answered, on a running step: its prompt, and a deadline counted from the step start', () => {
    expect(pendingApprovals(run(), [asked])).toEqual([
      {
        app: 'shop',
        runId: 'run-1',
        kind: 'failover',
        from: 'us-east-1',
        to: 'eu-west-1',
        stepId: 'check-data-loss-within-rpo',
        stepTitle: 'Check the data loss estimate',
        reason: 'estimated data loss up to 90 s of writes; RPO 30 s: above the RPO',
        requestedAt: T0 + 1_200,
        deadline: T0 + 1_000 + 1_800_000,
        onTimeout: 'fail',
      },
    ]);
  });

  it('none once answered, once the step has moved on, or once the run has ended', () => {
    const approved: JournalEntry = { seq: 4, at: T0 + 5_000, runId: 'run-1', type: 'approved', stepId: 'check-data-loss-within-rpo', detail: { by: 'alice' } };
    expect(pendingApprovals(run(), [asked, approved])).toEqual([]);
    expect(pendingApprovals(run({ steps: [{ id: 'check-data-loss-within-rpo', title: 'x', status: 'failed' }] }), [asked])).toEqual([]);
    expect(pendingApprovals(run({ status: 'failed' }), [asked])).toEqual([]);
  });

  it('two parallel gates waiting at once are both listed', () => {
    const twoGates = run({
      steps: [
        { id: 'gate-a', title: 'A', status: 'running' },
        { id: 'gate-b', title: 'B', status: 'running' },
      ],
    });
    const journal: JournalEntry[] = [
      { seq: 1, at: T0, runId: 'run-1', type: 'approval-requested', stepId: 'gate-a', detail: { reason: 'why a' } },
      { seq: 2, at: T0, runId: 'run-1', type: 'approval-requested', stepId: 'gate-b', detail: { reason: 'why b' } },
    ];
    expect(pendingApprovals(twoGates, journal).map((a) => [a.stepId, a.reason, a.deadline])).toEqual([
      ['gate-a', 'why a', undefined],
      ['gate-b', 'why b', undefined],
    ]);
  });
});

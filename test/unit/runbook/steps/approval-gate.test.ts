import { describe, expect, it } from 'vitest';
import { pendingApprovals } from '../../../../src/controller/pending-approvals.js';
import { runbook } from '../../../../src/runbook/step.js';
import { approvalGate } from '../../../../src/runbook/steps/approval-gate.js';
import { libraryRuns } from '../../../support/library-step-run.js';

const gate = approvalGate({
  id: 'approve-customer-notice',
  title: 'Approve the customer notice',
  prompt: (ctx) => `send the outage notice for ${ctx.app.name} (${ctx.from.name} down, serving from ${ctx.to.name})?`,
  timeoutMs: 15 * 60_000,
  onTimeout: 'fail',
});
const book = runbook('gate', 'gate', gate);

describe('approvalGate', () => {
  it('shows its prompt with the run\'s pending approval, and goes on once approved', async () => {
    const { execute, store, clock } = libraryRuns({});
    const prompts: string[] = [];
    const run = await execute(book, async (r) => {
      const pending = pendingApprovals((await store.getRun(r.id))!, await store.readJournal(r.id));
      if (pending.length === 0) return;
      prompts.push(...pending.map((p) => `${p.stepId}: ${p.reason} (${p.onTimeout})`));
      const answer = { runId: r.id, at: clock.now(), stepId: 'approve-customer-notice', by: 'alice', comment: 'wording checked' };
      await store.addRunSignal({ ...answer, type: 'approve' });
    });
    expect(prompts[0]).toBe('approve-customer-notice: send the outage notice for shop (us-east-1 down, serving from eu-west-1)? (fail)');
    expect(run?.status).toBe('succeeded');
    expect(run?.approvals).toMatchObject([{ stepId: 'approve-customer-notice', decision: 'approved', by: 'alice' }]);
    expect(run?.steps[0]?.message).toBe('approved by alice: wording checked');
  });

  it('fails the run when rejected', async () => {
    const { execute, store, clock } = libraryRuns({});
    const run = await execute(book, async (r) => {
      if ((await store.listRunSignals(r.id)).length > 0) return;
      await store.addRunSignal({ runId: r.id, at: clock.now(), type: 'reject', stepId: 'approve-customer-notice', by: 'bob' });
    });
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toBe('approve-customer-notice: rejected by bob');
  });

  it('proceeds without an answer when told to', async () => {
    const proceed = approvalGate({ id: 'approve-or-go', title: 'Approve or go', prompt: 'go on?', timeoutMs: 60_000, onTimeout: 'proceed' });
    const run = await libraryRuns({}).execute(runbook('gate', 'gate', proceed));
    expect(run?.status).toBe('succeeded');
    expect(run?.approvals).toMatchObject([{ stepId: 'approve-or-go', decision: 'timed-out', by: 'controller' }]);
  });
});

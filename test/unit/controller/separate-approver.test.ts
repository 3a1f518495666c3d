import { describe, expect, it } from 'vitest';
import { separateApproverRefusal } from '../../../src/controller/separate-approver.js';

describe('the two-person rule (policy.separateApprover)', () => {
  const manual = { id: 'run-1', startedBy: 'alice' };
  const on = { separateApprover: true };

  it('refuses the starter of a manual run its own approval, naming the rule, the run and the starter', () => {
    expect(separateApproverRefusal(manual, on, { decision: 'approve', by: 'alice' })).toBe(
      'policy.separateApprover: run run-1 was started by alice, so another approver must approve it (alice may still reject or cancel it)',
    );
  });

  it('lets anyone else approve, and the starter reject (that stops the run, as a cancel would)', () => {
    expect(separateApproverRefusal(manual, on, { decision: 'approve', by: 'bob' })).toBeUndefined();
    expect(separateApproverRefusal(manual, on, { decision: 'reject', by: 'alice' })).toBeUndefined();
  });

  it('does not apply when off (the default) or when no caller started the run (automatic runs)', () => {
    expect(separateApproverRefusal(manual, { separateApprover: false }, { decision: 'approve', by: 'alice' })).toBeUndefined();
    expect(separateApproverRefusal({ id: 'run-2' }, on, { decision: 'approve', by: 'alice' })).toBeUndefined();
  });

  it('compares IAM sessions by their role: the session name is the caller\'s to pick, so another session is not another person', () => {
    const iam = { id: 'run-3', startedBy: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' };
    expect(separateApproverRefusal(iam, on, { decision: 'approve', by: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' })).toMatch(/^policy\.separateApprover: /);
    expect(separateApproverRefusal(iam, on, { decision: 'approve', by: 'arn:aws:sts::123456789012:assumed-role/Ops/not-alice' })).toBe(
      'policy.separateApprover: run run-3 was started by arn:aws:sts::123456789012:assumed-role/Ops/alice, so another approver must approve it (arn:aws:sts::123456789012:assumed-role/Ops/not-alice, a session of the same IAM role, may still reject or cancel it)',
    );
    // Another role, or an IAM user, is another caller.
    expect(separateApproverRefusal(iam, on, { decision: 'approve', by: 'arn:aws:sts::123456789012:assumed-role/Approvers/bob' })).toBeUndefined();
    expect(separateApproverRefusal(iam, on, { decision: 'approve', by: 'arn:aws:iam::123456789012:user/bob' })).toBeUndefined();
  });
});

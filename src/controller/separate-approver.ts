import type { AppPolicy } from '../config/types.js';
import type { RunRecord } from '../runbook/run.js';

/** The config option behind the two-person rule, as a 403 names it. */
export const SEPARATE_APPROVER_RULE = 'policy.separateApprover';

/** An assumed-role session ARN: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`. */
const ASSUMED_ROLE_SESSION = /^(arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role\/[^/]+)\/.+$/;

/**
 * Who a caller is, as far as the caller cannot choose it: a token's name as
 * it is, an IAM principal ARN as it is, except an assumed-role session, which
 * is its role (`arn:aws:sts::<account>:assumed-role/<role>`). Whoever may
 * assume a role picks the session name freely, so the session name proves
 * nothing about who is behind it. The rate limit counts callers by this key,
 * and the two-person rule compares them by it; the audit trail and the run
 * records keep the full ARN.
 */
export function callerKey(caller: string): string {
  return ASSUMED_ROLE_SESSION.exec(caller)?.[1] ?? caller;
}

/**
 * The two-person rule (`policy.separateApprover`): a run's approval gate must
 * be approved by someone other than the caller who started it, so that a
 * promotion beyond the RPO always had a second pair of eyes.
 *
 * Returns why the answer is refused, or undefined when it may go through:
 * - only approvals are refused: a rejection stops the run, which its starter
 *   could do anyway with a cancel;
 * - only runs with a known starter (`startedBy`: runs started through the
 *   API, and those a game day starts for whoever started it): an automatic
 *   run was started by the controller, so any approver is a second person.
 *
 * Callers are compared by `callerKey`: with IAM auth, two sessions of one role
 * are one caller (give operators and approvers different roles, or one role
 * per person).
 */
export function separateApproverRefusal(run: Pick<RunRecord, 'id' | 'startedBy'>, policy: Pick<AppPolicy, 'separateApprover'>, answer: { decision: 'approve' | 'reject'; by: string }): string | undefined {
  if (!policy.separateApprover || answer.decision !== 'approve' || run.startedBy === undefined) return undefined;
  if (callerKey(run.startedBy) !== callerKey(answer.by)) return undefined;
  const same = run.startedBy === answer.by ? answer.by : `${answer.by}, a session of the same IAM role,`;
  return `${SEPARATE_APPROVER_RULE}: run ${run.id} was started by ${run.startedBy}, so another approver must approve it (${same} may still reject or cancel it)`;
}

import { type RunbookNode, type StepContext, step } from '../step.js';

/** Options of {@link approvalGate}. */
export interface ApprovalGateOptions {
  id: string;
  title: string;
  /** What the operator is asked, shown with the pending approval (API, CLI, status page). */
  prompt: string | ((ctx: StepContext) => string | Promise<string>);
  /** How long to wait for an answer, from the step's start. */
  timeoutMs: number;
  /** Without an answer in time: fail the run, or go on as if approved. */
  onTimeout: 'fail' | 'proceed';
}

/**
 * Pause the run until an operator approves (POST /runs/:id/approve,
 * `failover approve`) or rejects; a rejection fails the run. The prompt is
 * the approval's reason, shown wherever pending approvals are. Unlike the
 * RPO guard, this gate always asks: nothing in the world answers for the
 * operator.
 */
export function approvalGate(options: ApprovalGateOptions): RunbookNode {
  const prompt = async (ctx: StepContext) => (typeof options.prompt === 'function' ? options.prompt(ctx) : options.prompt);
  const seconds = Math.round(options.timeoutMs / 1000);
  return step({
    id: options.id,
    title: options.title,
    // The gate's own timeout decides; this only keeps the step from outliving it.
    timeoutMs: options.timeoutMs,
    async observe(ctx) {
      const answer = (ctx.run.approvals ?? []).find((a) => a.stepId === options.id);
      return {
        resource: `approval:${options.id}`,
        current: answer ? `${answer.decision} by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}` : 'not answered',
        desired: `approved by an operator (${options.onTimeout === 'proceed' ? 'proceeds' : 'fails'} without an answer in ${seconds} s)`,
        // Never done by itself: the engine would skip the gate.
        done: false,
      };
    },
    approval: { timeoutMs: options.timeoutMs, onTimeout: options.onTimeout, reason: prompt },
    report(after) {
      return after.current;
    },
  });
}

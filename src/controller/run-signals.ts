import type { RunbookCatalog } from '../runbook/runbook-catalog.js';
import type { Config } from '../config/types.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';
import type { RunRecord } from '../runbook/run.js';
import { flattenSteps, type Runbook } from '../runbook/step.js';
import { SEPARATE_APPROVER_RULE, separateApproverRefusal } from './separate-approver.js';

/** An operator's answer to an approval gate. `by` is the authenticated caller; `statedBy` a name the request gave besides it. */
export interface ApprovalAnswer {
  runId: string;
  stepId?: string;
  decision: 'approve' | 'reject';
  by: string;
  statedBy?: string;
  comment?: string;
}

/** An operator's request to stop a run at its next step boundary (with `rollback`, undoing what steps can). */
export interface CancelRequest {
  runId: string;
  by: string;
  statedBy?: string;
  comment?: string;
  rollback?: boolean;
}

/**
 * What operators tell a running run: answers to its approval gates and
 * cancels. Each is checked against the run as stored and written as a signal
 * the executing engine reads at its next step boundary or gate check, wherever
 * it runs (this process, or the Lambda worker).
 */
export class RunSignals {
  constructor(private readonly deps: { config: Config; store: StateStore; clock: Clock; runbooks: RunbookCatalog }) {}

  /** Answer an approval gate of a running run. With `policy.separateApprover`, its starter may not approve it (ForbiddenError). */
  async answer(request: ApprovalAnswer): Promise<RunRecord> {
    const run = await this.runningRun(request.runId);
    const waiting = run.steps.filter((s) => s.status === 'running' && isGate(this.deps.runbooks.forRun(run), s.id));
    const gate = request.stepId ?? waiting[0]?.id;
    if (!gate || !waiting.some((s) => s.id === gate)) {
      throw new ConflictError(`run ${run.id} is not waiting for an approval${request.stepId ? ` at ${request.stepId}` : ''}`);
    }
    const policy = this.deps.config.applications.find((a) => a.name === run.app)?.policy;
    const refusal = policy ? separateApproverRefusal(run, policy, request) : undefined;
    if (refusal) throw new ForbiddenError(refusal, SEPARATE_APPROVER_RULE);
    await this.deps.store.addRunSignal({ runId: run.id, at: this.deps.clock.now(), type: request.decision, stepId: gate, ...who(request), ...(request.comment ? { comment: request.comment } : {}) });
    return run;
  }

  /** Ask a running run to stop at its next step boundary. */
  async cancel(request: CancelRequest): Promise<RunRecord> {
    const run = await this.runningRun(request.runId);
    await this.deps.store.addRunSignal({ runId: run.id, at: this.deps.clock.now(), type: 'cancel', ...who(request), rollback: request.rollback === true, ...(request.comment ? { comment: request.comment } : {}) });
    return run;
  }

  private async runningRun(runId: string): Promise<RunRecord> {
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new NotFoundError(`no run with id ${runId}`);
    if (run.status !== 'running') throw new ConflictError(`run ${runId} has already ended (${run.status})`);
    return run;
  }
}

/** The caller, and a stated name only when it says something else. */
function who(request: { by: string; statedBy?: string }): { by: string; statedBy?: string } {
  return { by: request.by, ...(request.statedBy !== undefined && request.statedBy !== request.by ? { statedBy: request.statedBy } : {}) };
}

function isGate(book: Runbook, stepId: string): boolean {
  return flattenSteps(book.root).some((s) => s.id === stepId && s.approval !== undefined);
}

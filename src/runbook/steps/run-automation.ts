import { PermanentError } from '../../errors/errors.js';
import type { AutomationExecution, AutomationRequest } from '../../ports/automation-provider.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { idempotencyKey, idempotencyUuid } from './idempotency-key.js';
import { type PerRegion, valueIn } from './per-region.js';
import { requireService } from './require-service.js';
import { regionOf, type Side } from './side.js';

/** Options of {@link runAutomation}. */
export interface RunAutomationOptions {
  id: string;
  title: string;
  /** The side of the run whose region the automation runs in. */
  side: Side;
  /** The Automation document (runbook) to run: name or ARN. */
  documentName: PerRegion<string>;
  /** A version number, `$DEFAULT` or `$LATEST` (SSM's default: the default version). */
  documentVersion?: string;
  /** The document's parameters, from the run. */
  parameters?: (ctx: StepContext) => Record<string, string[]> | Promise<Record<string, string[]>>;
  /** Deadline for the execution to succeed (default 1 hour). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3600_000;

/** Statuses of an execution that succeeded. */
const SUCCEEDED = new Set(['Success', 'CompletedWithSuccess']);
/** Statuses of an execution that ended, or is ending, without success. */
const FAILED = new Set([
  'Failed',
  'TimedOut',
  'Cancelled',
  'Cancelling',
  'Rejected',
  'CompletedWithFailure',
  'ChangeCalendarOverrideRejected',
]);
/** Statuses in which the execution waits for a person (an aws:approve step, a change calendar). */
const WAITING_FOR_PEOPLE = new Set(['Waiting', 'PendingApproval', 'PendingChangeCalendarOverride']);

function describeExecution(execution: AutomationExecution): string {
  const waiting = WAITING_FOR_PEOPLE.has(execution.status) ? ' (waiting for a person in SSM)' : '';
  const failure = execution.failureMessage ? `: ${execution.failureMessage}` : '';
  return `execution ${execution.executionId} ${execution.status}${waiting}${failure}`;
}

/** `Output1=a,b; Output2=c`, short. */
function describeOutputs(outputs: Record<string, string[]> | undefined): string {
  const text = Object.entries(outputs ?? {})
    .map(([name, values]) => `${name}=${values.join(',')}`)
    .join('; ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Run an SSM Automation document in a side's region and wait until it
 * succeeds. The start carries a ClientToken derived from the run and the
 * step (a name-based UUID: SSM's token must be a UUID), so a start repeated
 * after a lost answer or on a resumed run finds the first execution instead
 * of starting a second; the execution id is journaled with the act, and
 * the wait polls it. An execution that fails, times out or is cancelled
 * fails the step with SSM's failure message. No undo: what a document did
 * is for another document, in a step of the runbook's.
 */
export function runAutomation(options: RunAutomationOptions): RunbookNode {
  const where = (ctx: StepContext) => {
    const region = regionOf(ctx, options.side);
    const documentName = valueIn(options.documentName, region);
    const version = options.documentVersion ? `:${options.documentVersion}` : '';
    return { region: region.name, documentName, label: `ssm:${documentName}${version} (${region.name})` };
  };
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // SSM's Describe/GetAutomationExecution are rate limited: a poll a few seconds apart, up to a minute as the wait grows.
    pollMs: 2_000,
    maxPollMs: 60_000,
    async observe(ctx) {
      requireService(ctx, 'automation', options.id);
      // The execution this run started is known from the journal alone (the act's result), handed to verify.
      return {
        resource: where(ctx).label,
        current: ctx.actInFlight ? 'started by this run before it stopped, execution id not journaled' : 'not started by this run',
        desired: 'an execution of this run, Success',
        done: false,
      };
    },
    async act(ctx) {
      const { region, documentName } = where(ctx);
      const clientToken = idempotencyUuid(idempotencyKey(ctx, options.id));
      const parameters = options.parameters ? await options.parameters(ctx) : undefined;
      const request: AutomationRequest = {
        region,
        documentName,
        clientToken,
        ...(options.documentVersion !== undefined ? { documentVersion: options.documentVersion } : {}),
        ...(parameters !== undefined ? { parameters } : {}),
      };
      const executionId = await requireService(ctx, 'automation', options.id).start(request);
      return { executionId, clientToken };
    },
    async verify(ctx, acted) {
      const { region, documentName } = where(ctx);
      const executionId = acted?.['executionId'];
      if (typeof executionId !== 'string') {
        throw new PermanentError(
          `${options.id}: the execution of ${documentName} this run started is not journaled; look it up in SSM (${region})`,
        );
      }
      const execution = await requireService(ctx, 'automation', options.id).describe(region, executionId);
      ctx.observed?.(`${describeExecution(execution)}; wanted: Success`);
      if (SUCCEEDED.has(execution.status)) {
        if (execution.outputs) ctx.log.info({ executionId, outputs: describeOutputs(execution.outputs) }, 'automation succeeded');
        return true;
      }
      if (FAILED.has(execution.status)) {
        throw new PermanentError(
          `${options.id}: automation ${executionId} (${documentName}, ${region}) ended ${execution.status}: ` +
            (execution.failureMessage ?? 'SSM gave no failure message'),
        );
      }
      return false;
    },
    report(after, acted) {
      const id = acted?.['executionId'];
      return typeof id === 'string' ? `${after.resource}: execution ${id} succeeded` : `${after.resource}: succeeded`;
    },
  });
}

import { PermanentError } from '../../errors/errors.js';
import type { FunctionRef, FunctionResult } from '../../ports/function-invoker.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { idempotencyKey } from './idempotency-key.js';
import { type PerRegion, valueIn } from './per-region.js';
import { requireService } from './require-service.js';
import { regionOf, type Side } from './side.js';

/** Options of {@link invokeFunction}. */
export interface InvokeFunctionOptions {
  id: string;
  title: string;
  /** The side of the run whose region the function is invoked in. */
  side: Side;
  /** Function name, ARN or partial ARN. */
  functionName: PerRegion<string>;
  /** A version or alias. */
  qualifier?: PerRegion<string>;
  /** The step's own input to the function (JSON-safe), sent as `input`. */
  payload?: (ctx: StepContext) => unknown;
}

/** What the function receives: who calls, for which run, and the key that makes a repeat harmless. */
export interface InvokeFunctionPayload {
  /** `<run id>:<step id>`: the same on every attempt and on a resumed run. */
  idempotencyKey: string;
  run: { id: string; app: string; kind: string; from: string; to: string; trigger: string; reason: string };
  input?: unknown;
}

/** Longest excerpt of a function's answer kept in the journal and the step's message. */
const RESPONSE_EXCERPT_CHARS = 500;


function refOf(ctx: StepContext, options: InvokeFunctionOptions): FunctionRef {
  const region = regionOf(ctx, options.side);
  const qualifier = options.qualifier === undefined ? undefined : valueIn(options.qualifier, region);
  return { region: region.name, functionName: valueIn(options.functionName, region), ...(qualifier !== undefined ? { qualifier } : {}) };
}

function labelOf(ref: FunctionRef): string {
  return `lambda:${ref.functionName}${ref.qualifier ? `:${ref.qualifier}` : ''} (${ref.region})`;
}

/** `{"ok":true}`, cut to a length a journal entry can hold. */
function excerpt(payload: unknown): string {
  const text = typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? 'nothing');
  return text.length > RESPONSE_EXCERPT_CHARS ? `${text.slice(0, RESPONSE_EXCERPT_CHARS)}…` : text;
}

/** `Unhandled: Error: no such tenant`: the function's own error, from the payload Lambda returns with it. */
function functionFailure(result: FunctionResult): string {
  const p = result.payload;
  if (p && typeof p === 'object') {
    const { errorType, errorMessage } = p as { errorType?: unknown; errorMessage?: unknown };
    const type = typeof errorType === 'string' ? `${errorType}: ` : '';
    if (typeof errorMessage === 'string') return `${result.functionError}: ${type}${errorMessage}`;
  }
  return `${result.functionError}: ${excerpt(p)}`;
}

/** The payload of one invocation: the run, the step's key, and the step's input. */
export async function functionPayload(
  ctx: StepContext,
  options: Pick<InvokeFunctionOptions, 'id' | 'payload'>,
): Promise<InvokeFunctionPayload> {
  const { id, app, kind, from, to, trigger, reason } = ctx.run;
  const input = options.payload ? await options.payload(ctx) : undefined;
  return {
    idempotencyKey: idempotencyKey(ctx, options.id),
    run: { id, app, kind, from, to, trigger, reason },
    ...(input !== undefined ? { input } : {}),
  };
}

/**
 * Invoke a Lambda function synchronously in a side's region, with an
 * idempotency key (`<run id>:<step id>`) in its payload. The function is
 * expected to honour the key (Powertools for AWS Lambda's idempotency
 * utility does): the engine invokes again, with the same key, when a
 * transient error hid the answer or a resumed run finds the act in flight
 * (started, its answer never journaled), and the key is what makes that
 * repeat harmless. A run resumed after the act's answer was journaled does
 * not invoke again. A function error (Lambda's X-Amz-Function-Error) fails
 * the step with the function's own message. No undo: what a function did
 * is its own to undo, in a step of the runbook's.
 */
export function invokeFunction(options: InvokeFunctionOptions): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 60_000,
    async observe(ctx) {
      const ref = refOf(ctx, options);
      requireService(ctx, 'functions', options.id);
      // Nothing in the world says whether a function ran: the journal does (the engine skips a step whose act it recorded).
      return {
        resource: labelOf(ref),
        current: ctx.actInFlight ? 'invoked by this run before it stopped, answer not journaled' : 'not invoked by this run',
        desired: 'invoked once, answered without a function error',
        done: false,
      };
    },
    async act(ctx) {
      const ref = refOf(ctx, options);
      const payload = await functionPayload(ctx, options);
      const result = await requireService(ctx, 'functions', options.id).invoke(ref, payload as unknown as Record<string, unknown>);
      if (result.functionError !== undefined) throw new PermanentError(`${options.id}: ${labelOf(ref)} failed: ${functionFailure(result)}`);
      return { idempotencyKey: payload.idempotencyKey, response: excerpt(result.payload) };
    },
    // A synchronous invocation: its answer, checked by the act, is the outcome; there is nothing to poll.
    verify: async () => true,
    report(after, acted) {
      return typeof acted?.['response'] === 'string' ? `${after.resource} answered ${acted['response']}` : `${after.resource} invoked`;
    },
  });
}

import { describe, expect, it } from 'vitest';
import type { FunctionInvoker, FunctionRef, FunctionResult } from '../../../../src/ports/function-invoker.js';
import { runbook } from '../../../../src/runbook/step.js';
import { invokeFunction } from '../../../../src/runbook/steps/invoke-function.js';
import { libraryRuns } from '../../../support/library-step-run.js';

/** A function that answers `answer`, or hangs while `hang` is set; every invocation is kept. */
class FakeFunctions implements FunctionInvoker {
  readonly calls: { ref: FunctionRef; payload: Record<string, unknown> }[] = [];
  hang = false;
  constructor(private readonly answer: FunctionResult = { payload: { drained: 3 } }) {}

  async invoke(ref: FunctionRef, payload: Record<string, unknown>): Promise<FunctionResult> {
    this.calls.push({ ref, payload: structuredClone(payload) });
    if (this.hang) return new Promise<FunctionResult>(() => undefined);
    return this.answer;
  }
}

const drain = invokeFunction({
  id: 'drain-queues',
  title: 'Drain the queues in the standby region',
  side: 'to',
  functionName: (region) => `shop-drain-${region.name}`,
  qualifier: 'live',
  payload: (ctx) => ({ queues: ['orders'], target: ctx.to.name }),
});
const book = runbook('fn', 'fn', drain);

describe('invokeFunction', () => {
  it('invokes once in its side, with the run, the step\'s idempotency key and its input', async () => {
    const functions = new FakeFunctions();
    const { execute } = libraryRuns({ functions }, { runId: 'run-fn1' });
    const run = await execute(book);
    expect(run?.status).toBe('succeeded');
    expect(functions.calls).toEqual([
      {
        ref: { region: 'eu-west-1', functionName: 'shop-drain-eu-west-1', qualifier: 'live' },
        payload: {
          idempotencyKey: 'run-fn1:drain-queues',
          run: { id: 'run-fn1', app: 'shop', kind: 'failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'library step test' },
          input: { queues: ['orders'], target: 'eu-west-1' },
        },
      },
    ]);
    expect(run?.steps[0]?.message).toBe('lambda:shop-drain-eu-west-1:live (eu-west-1) answered {"drained":3}');
  });

  it('fails the step with the function\'s own error message', async () => {
    const functions = new FakeFunctions({ functionError: 'Unhandled', payload: { errorType: 'QueueBusy', errorMessage: 'orders is being purged', stackTrace: [] } });
    const { execute } = libraryRuns({ functions });
    const run = await execute(book);
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toBe('drain-queues: lambda:shop-drain-eu-west-1:live (eu-west-1) failed: Unhandled: QueueBusy: orders is being purged');
    // A function error is permanent: no second invocation.
    expect(functions.calls).toHaveLength(1);
  });

  it('is not invoked again when the run resumes after its answer was journaled', async () => {
    const functions = new FakeFunctions();
    const { execute, store, journal } = libraryRuns({ functions });
    // The process dies right after journaling the act's answer, before the step's end.
    store.killAfter = (e) => e.type === 'act-succeeded' && e.stepId === 'drain-queues';
    expect(await execute(book)).toBeUndefined();
    expect(functions.calls).toHaveLength(1);
    store.revive();
    const run = await execute(book);
    expect(run?.status).toBe('succeeded');
    expect(functions.calls).toHaveLength(1);
    expect(run?.steps[0]?.message).toBe('lambda:shop-drain-eu-west-1:live (eu-west-1) answered {"drained":3}');
    expect(await journal()).toEqual(expect.arrayContaining(['step-resumed:drain-queues', 'step-succeeded:drain-queues']));
  });

  it('invokes again with the same idempotency key when the run resumes with its act in flight', async () => {
    const functions = new FakeFunctions();
    functions.hang = true;
    const { execute, store } = libraryRuns({ functions }, { runId: 'run-fn2' });
    // The process dies while the function runs: the act is journaled as started, its answer never.
    store.killAfter = (e) => e.type === 'act-started';
    const first = execute(book);
    expect(await first).toBeUndefined();
    store.revive();
    functions.hang = false;
    const run = await execute(book);
    expect(run?.status).toBe('succeeded');
    expect(functions.calls).toHaveLength(2);
    expect(functions.calls.map((c) => c.payload['idempotencyKey'])).toEqual(['run-fn2:drain-queues', 'run-fn2:drain-queues']);
    expect(functions.calls[1]!.payload).toEqual(functions.calls[0]!.payload);
  });

  it('fails with a clear error on a cloud without a function invoker', async () => {
    const { execute } = libraryRuns({});
    const run = await execute(book);
    expect(run?.steps[0]?.message).toMatch(/^drain-queues: this cloud has no Lambda \(function invoker\) provider/);
  });
});

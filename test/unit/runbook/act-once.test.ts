import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../src/errors/errors.js';
import { actOnce } from '../../../src/runbook/act-once.js';
import type { StepContext, StepDefinition } from '../../../src/runbook/step.js';

/** A promotion whose first call took effect but whose answer was lost: the repeat is refused as "already in progress". */
function promotion(world: { state: 'replica' | 'promoting' }, refuse: Error): StepDefinition {
  return {
    id: 'promote',
    title: 'promote',
    observe: async () => ({ resource: 'db', current: world.state, desired: 'writer', done: false, pending: world.state === 'promoting' }),
    act: async () => {
      throw refuse;
    },
  };
}

const ctx = { log: pino({ level: 'silent' }) } as unknown as StepContext;
const signal = new AbortController().signal;

describe('actOnce: a refused act is judged by the world, not by the error', () => {
  it('counts a refusal as done when the world shows the goal on its way (the first call had landed)', async () => {
    const world = { state: 'replica' as 'replica' | 'promoting' };
    const refusal = new PermanentError('PromoteReadReplica: InvalidDBInstanceState: DB Instance is not a read replica in a state that can be promoted');
    const step = promotion(world, refusal);
    // The lost first call: AWS started the promotion, the caller never heard.
    step.act = async () => {
      world.state = 'promoting';
      throw refusal;
    };
    expect(await actOnce(step, ctx, signal)).toEqual({ recoveredFrom: refusal.message });
  });

  it('lets the refusal stand when the world shows nothing happened', async () => {
    const refusal = new PermanentError('PromoteReadReplica: AccessDenied: not authorized');
    await expect(actOnce(promotion({ state: 'replica' }, refusal), ctx, signal)).rejects.toBe(refusal);
  });

  it('leaves a transient error to the caller, whose retry looks at the world first', async () => {
    const transient = new TransientError('PromoteReadReplica: Throttling');
    const world = { state: 'replica' as 'replica' | 'promoting' };
    const step = promotion(world, transient);
    step.act = async () => {
      world.state = 'promoting';
      throw transient;
    };
    await expect(actOnce(step, ctx, signal)).rejects.toBe(transient);
    // The retry finds the promotion under way and does not act again.
    expect(await actOnce(step, ctx, signal)).toBeUndefined();
  });
});

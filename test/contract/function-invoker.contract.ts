import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors/errors.js';
import type { FunctionInvoker, FunctionRef } from '../../src/ports/function-invoker.js';

/** What the contract's function answers when it has an effect (plus `effect`, the effect's ordinal). */
export const CONTRACT_RESPONSE = { flushed: true } as const;

/** The alias every setup's function has besides $LATEST. */
export const CONTRACT_ALIAS = 'live';

/** What one implementation under test provides. */
export interface FunctionContractFixture {
  functions: FunctionInvoker;
  /** A function that answers CONTRACT_RESPONSE, with the alias CONTRACT_ALIAS and Powertools' default expiry (one hour). */
  ref: FunctionRef;
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
  /** What the function and the world did, read behind the API's back. */
  world: {
    effects(): unknown[];
    invocations(): number;
    /** Make the function fail, unhandled, with this message; `undefined` mends it. */
    fail(message: string | undefined): void;
    regionDown(): void;
    regionUp(): void;
  };
}

/**
 * The semantics every FunctionInvoker shares, over a function that honours
 * `idempotencyKey` like Powertools' idempotency utility, so the simulation
 * cannot drift from Lambda: a synchronous invocation returns the function's
 * JSON answer; a repeat with the same key gets the first answer and has no
 * second effect (until the record expires); a function that fails is an
 * answer with functionError `Unhandled`, not an error, and stores nothing,
 * so a retry runs again; an unknown function or qualifier is a permanent
 * error naming it; a region that does not answer is a transient one.
 */
export function describeFunctionInvokerContract(
  name: string,
  setup: () => Promise<FunctionContractFixture> | FunctionContractFixture,
): void {
  describe(`FunctionInvoker contract: ${name}`, () => {
    let f: FunctionContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('invokes synchronously: the function gets the payload and its JSON answer comes back', async () => {
      const payload = { idempotencyKey: 'run-1:flush-cache', region: 'eu-west-1', keys: ['a', 'b'] };
      expect(await f.functions.invoke(f.ref, payload)).toEqual({ payload: { ...CONTRACT_RESPONSE, effect: 1 } });
      expect(f.world.effects()).toEqual([payload]);
      expect(f.world.invocations()).toBe(1);
    });

    it('honours the idempotency key: a repeat gets the first answer and has no second effect', async () => {
      const first = await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache', attempt: 1 });
      await f.advance(5 * 60_000);
      const again = await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache', attempt: 1 });
      expect(again).toEqual(first);
      expect(f.world.effects()).toHaveLength(1);
      expect(f.world.invocations()).toBe(2);
      // Another key is another request.
      expect(await f.functions.invoke(f.ref, { idempotencyKey: 'run-2:flush-cache' })).toEqual({
        payload: { ...CONTRACT_RESPONSE, effect: 2 },
      });
      expect(f.world.effects()).toHaveLength(2);
    });

    it('forgets a key once its record expired (Powertools: one hour by default): the repeat has an effect again', async () => {
      await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache' });
      await f.advance(61 * 60_000);
      expect(await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache' })).toEqual({
        payload: { ...CONTRACT_RESPONSE, effect: 2 },
      });
      expect(f.world.effects()).toHaveLength(2);
    });

    it('a failing function is an answer with functionError Unhandled; it stores nothing, so a retry runs again', async () => {
      f.world.fail('connection to redis refused');
      const failed = await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache' });
      expect(failed).toEqual({
        functionError: 'Unhandled',
        payload: expect.objectContaining({ errorType: 'Error', errorMessage: 'connection to redis refused' }),
      });
      expect(f.world.effects()).toEqual([]);
      f.world.fail(undefined);
      expect(await f.functions.invoke(f.ref, { idempotencyKey: 'run-1:flush-cache' })).toEqual({
        payload: { ...CONTRACT_RESPONSE, effect: 1 },
      });
      expect(f.world.invocations()).toBe(2);
    });

    it('invokes an alias of the function', async () => {
      expect(await f.functions.invoke({ ...f.ref, qualifier: CONTRACT_ALIAS }, { idempotencyKey: 'k' })).toEqual({
        payload: { ...CONTRACT_RESPONSE, effect: 1 },
      });
    });

    it('reports an unknown function or qualifier as a PermanentError naming it, and invokes nothing', async () => {
      const missing = { ...f.ref, functionName: 'no-such-function' };
      await expect(f.functions.invoke(missing, { idempotencyKey: 'k' })).rejects.toThrow(PermanentError);
      await expect(f.functions.invoke(missing, { idempotencyKey: 'k' })).rejects.toThrow(
        /ResourceNotFoundException[\s\S]*no-such-function/,
      );
      await expect(f.functions.invoke({ ...f.ref, qualifier: 'no-such-alias' }, { idempotencyKey: 'k' })).rejects.toThrow(/no-such-alias/);
      expect(f.world.invocations()).toBe(0);
    });

    it('a region that does not answer is a TransientError, and the function never ran', async () => {
      f.world.regionDown();
      await expect(f.functions.invoke(f.ref, { idempotencyKey: 'k' })).rejects.toThrow(TransientError);
      f.world.regionUp();
      expect(f.world.invocations()).toBe(0);
      expect(f.world.effects()).toEqual([]);
    });
  });
}

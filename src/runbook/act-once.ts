import { isTransient } from '../errors/errors.js';
import type { ActResult, StepContext, StepDefinition } from './step.js';

/**
 * One attempt at a step's act, between two looks at the world.
 *
 * Before: a goal that already holds, or is on its way, needs no act (a
 * transient error may have hidden an act that did take effect).
 *
 * After a refusal: many AWS mutations take no idempotency token, and an
 * answer lost on the way back (a reset connection, a timeout) leaves the
 * caller to try again, when AWS answers the repeat with "already done"
 * errors: InvalidDBInstanceState for a replica already being promoted,
 * DBInstanceAlreadyExists for a replica already being created,
 * InvalidChangeBatch for a change batch already applied. So a refused act
 * is judged by the world, not by the error: when the goal now holds or is
 * on its way, the act counts as done (its result says what it recovered
 * from); otherwise the refusal stands. A transient error is left to the
 * caller's retries, which come back here and look first.
 */
export async function actOnce(step: StepDefinition, ctx: StepContext, signal: AbortSignal): Promise<ActResult | undefined> {
  const before = await step.observe(ctx);
  signal.throwIfAborted();
  if (before.done || before.pending) return undefined;
  try {
    return (await step.act!(ctx)) ?? undefined;
  } catch (err) {
    if (isTransient(err) || signal.aborted) throw err;
    const after = await step.observe(ctx).catch(() => undefined);
    if (!after?.done && !after?.pending) throw err;
    const refusal = err instanceof Error ? err.message : String(err);
    ctx.log.warn({ refusal, now: after.current }, 'the act was refused, but the world shows its goal reached or on its way: counted as done');
    return { recoveredFrom: refusal.slice(0, 500) };
  }
}

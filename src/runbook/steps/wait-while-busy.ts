import { PermanentError } from '../../errors/errors.js';
import type { DatabaseRef, DatabaseState } from '../../ports/database-provider.js';
import type { StepContext } from '../step.js';

/** States a database leaves by itself, in which RDS refuses the next change (a promotion, a replica of it). */
const BUSY: ReadonlySet<DatabaseState['status']> = new Set(['backing-up', 'modifying', 'creating']);

/** How often a busy database is looked at again. */
const BUSY_POLL_MS = 15_000;

/**
 * Wait until a database is no longer busy (its backup window, a
 * modification), for at most `waitMs` counted from the step's start (kept
 * across a resumed run), then return what it is. A database that is still
 * busy at the deadline ends the step with a clear error rather than an AWS
 * refusal. Aborts with the run.
 */
export async function waitWhileBusy(ctx: StepContext, stepId: string, ref: DatabaseRef, waitMs: number, before: string): Promise<DatabaseState> {
  const started = ctx.run.steps.find((s) => s.id === stepId)?.startedAt ?? ctx.clock.now();
  for (;;) {
    const state = await ctx.cloud.database.describe(ref);
    if (!state.exists || !BUSY.has(state.status)) return state;
    if (ctx.clock.now() >= started + waitMs) {
      throw new PermanentError(`${label(ref)} is still ${state.status} after ${Math.round(waitMs / 60_000)} min of waiting before ${before}`);
    }
    ctx.log.info({ database: label(ref), status: state.status }, `waiting for the database to finish (${state.status}) before ${before}`);
    await ctx.clock.sleep(Math.min(BUSY_POLL_MS, Math.max(0, started + waitMs - ctx.clock.now())), ctx.signal);
  }
}

/** How long a refused act watches the world for a sign that an earlier call of its own took effect. */
export const REFUSAL_WATCH_MS = 2 * 60_000;
const REFUSAL_POLL_MS = 5_000;

/**
 * After AWS refused an act as if it were already done or under way
 * (InvalidDBInstanceState for a second PromoteReadReplica, DBInstanceAlreadyExists
 * for a second CreateDBInstanceReadReplica, InvalidGlobalClusterStateFault for
 * a second FailoverGlobalCluster): an earlier call whose answer was lost may
 * have been accepted, yet the world can take a moment to show it (right after
 * PromoteReadReplica the instance still reads `available` with its source
 * set). Watch it for a while: `shown` once `sign` holds, `busy` when the
 * database turned busy by itself (a backup began), `unchanged` otherwise.
 */
export async function watchAfterRefusal(ctx: StepContext, ref: DatabaseRef, sign: (state: DatabaseState) => boolean): Promise<'shown' | 'busy' | 'unchanged'> {
  const until = ctx.clock.now() + REFUSAL_WATCH_MS;
  for (;;) {
    const state = await ctx.cloud.database.describe(ref);
    if (sign(state)) return 'shown';
    if (state.exists && state.status === 'backing-up') return 'busy';
    if (ctx.clock.now() >= until) return 'unchanged';
    await ctx.clock.sleep(REFUSAL_POLL_MS, ctx.signal);
  }
}

/** Whether an error is AWS refusing a change for the state of its target (the "already done or under way" answers). */
export function refusedForState(err: unknown): boolean {
  return err instanceof PermanentError && /InvalidDBInstanceState|InvalidGlobalClusterStateFault|DBInstanceAlreadyExists/.test(err.message);
}

function label(ref: DatabaseRef): string {
  return `${ref.engine === 'rds' ? ref.instanceId : ref.clusterId} (${ref.region})`;
}

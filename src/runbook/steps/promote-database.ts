import { type RunbookNode, step } from '../step.js';
import { databaseLabel, describeDatabase, regionOf, type Side } from './side.js';

/**
 * Make a side's database the writer. `unplanned` when the current writer is
 * lost (failover); `planned` when it is alive and hands over (failback).
 */
export function promoteDatabase(options: { id: string; title: string; side: Side; mode: 'planned' | 'unplanned'; timeoutMs?: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
    pollMs: 200,
    maxPollMs: 10_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const state = await ctx.cloud.database.describe(region.database);
      return {
        resource: databaseLabel(region),
        current: describeDatabase(state),
        desired: 'writer (available)',
        done: state.exists && state.role === 'writer' && state.status === 'available',
        // On its way: a writer still settling, a promotion under way, or (after our own act, per the journal) a replica
        // that is modifying. A replica that is merely busy (a backup) before we acted is not pending: it still needs the act.
        pending:
          state.exists &&
          state.status !== 'available' &&
          (state.role === 'writer' || state.status === 'promoting' || (ctx.actInFlight && state.status === 'modifying')),
      };
    },
    async act(ctx) {
      await ctx.cloud.database.promote(regionOf(ctx, options.side).database, options.mode);
    },
  });
}

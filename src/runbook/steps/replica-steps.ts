import { activeRegionOf } from '../../dns/desired-records.js';
import { PermanentError } from '../../errors/errors.js';
import { type RunbookNode, step } from '../step.js';
import { databaseLabel, describeDatabase, otherSide, regionOf, type Side } from './side.js';

/**
 * Move a side's stale writer aside (renamed, data kept: it may hold writes
 * that never replicated) so that a fresh replica can take its name.
 */
export function retireStaleWriter(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 10 * 60_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const state = await ctx.cloud.database.describe(region.database);
      return {
        resource: databaseLabel(region),
        current: describeDatabase(state),
        desired: 'absent, or a replica',
        done: !state.exists || state.role === 'replica',
      };
    },
    async act(ctx) {
      // Never the writer traffic goes to: that is no stale writer (the application's DNS is the evidence).
      const region = regionOf(ctx, options.side);
      const live = activeRegionOf(ctx.app.regions, await ctx.cloud.dns.listRecords(region.dns.hostedZoneId, region.dns.recordName));
      if (live === region.name) throw new PermanentError(`refusing to set aside ${databaseLabel(region)}: DNS sends the application's traffic to ${region.name}`);
      // Deterministic per run, so that a resumed run names the same snapshot of the past.
      const newId = await ctx.cloud.database.retire(regionOf(ctx, options.side).database, `stale-${ctx.run.id.slice(-8)}`);
      return { retiredAs: newId };
    },
  });
}

/** Create a side's database as a read replica of the other side's writer. */
export function createReplica(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 60 * 60_000,
    pollMs: 1_000,
    maxPollMs: 15_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const source = regionOf(ctx, otherSide(options.side));
      const state = await ctx.cloud.database.describe(region.database);
      return {
        resource: databaseLabel(region),
        current: describeDatabase(state),
        desired: `replica of ${source.name} (available)`,
        done: state.exists && state.role === 'replica' && state.replicaOf === source.name && state.status === 'available',
        pending: state.exists && state.role === 'replica' && state.status !== 'available',
      };
    },
    async act(ctx) {
      const state = await ctx.cloud.database.describe(regionOf(ctx, options.side).database);
      // A replica being created already counts: do not issue a second create.
      if (state.exists) return;
      await ctx.cloud.database.createReplica(regionOf(ctx, options.side).database, regionOf(ctx, otherSide(options.side)).database);
    },
  });
}

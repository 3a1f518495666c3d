import { type RunbookNode, step } from '../step.js';
import { databaseLabel, regionOf, type Side } from './side.js';

/** Wait until a side's replica has caught up with its writer (lag known and at most `maxLagSeconds`). */
export function waitForReplicaCaughtUp(options: { id: string; title: string; side: Side; maxLagSeconds: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 30 * 60_000,
    pollMs: 1_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const lag = await ctx.cloud.database.replicaLag(region.database);
      return {
        resource: databaseLabel(region),
        current: lag ? `lag ${lag.seconds} s` : 'lag unknown',
        desired: `lag at most ${options.maxLagSeconds} s`,
        done: lag !== undefined && lag.seconds <= options.maxLagSeconds,
      };
    },
  });
}

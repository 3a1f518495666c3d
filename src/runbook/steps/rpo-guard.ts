import type { DataLossEstimate } from '../../lag/data-loss.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { estimateRegionDataLoss } from './replication-evidence.js';
import { databaseLabel, regionOf, type Side } from './side.js';

export type { DataLossEstimate } from '../../lag/data-loss.js';
export { dataLossFromSummary } from '../../lag/data-loss.js';

function estimate(ctx: StepContext, side: Side): Promise<DataLossEstimate> {
  return estimateRegionDataLoss(ctx, regionOf(ctx, side));
}

/**
 * The RPO guard before a promotion: passes on its own when the estimated
 * data loss is known and within the RPO; otherwise the run waits at an
 * approval gate whose reason shows the estimate and the evidence it rests
 * on (the heartbeat, or the lag datapoints from before the outage, or why
 * there is none), and fails if nobody approves in time.
 *
 * The estimate (src/lag/data-loss.ts) counts only what was published
 * before the outage began, so a healthy replica (lag about 0 until then)
 * passes by itself even though its lag grows, or reads -1, once the writer
 * is gone; replication that was not running before the outage (-1) is
 * said so, and never taken as 0.
 */
export function rpoGuard(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'rpo-gate', side: options.side },
    // The gate's own timeout decides; this only keeps the step from outliving it.
    timeoutMs: 24 * 3600_000,
    async observe(ctx) {
      const result = await estimate(ctx, options.side);
      return { resource: databaseLabel(regionOf(ctx, options.side)), current: result.summary, desired: `estimated data loss within RPO ${ctx.app.policy.rpoSeconds} s`, done: result.withinRpo };
    },
    approval: {
      timeoutMs: 30 * 60_000,
      timeoutFromPolicy: true,
      onTimeout: 'fail',
      async reason(ctx) {
        return `promotion of ${databaseLabel(regionOf(ctx, options.side))} needs approval: ${(await estimate(ctx, options.side)).summary}`;
      },
    },
  });
}

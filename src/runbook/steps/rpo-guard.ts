import type { LagSample } from '../../ports/database-provider.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { databaseLabel, regionOf, type Side } from './side.js';

/** What the RPO guard concluded from the lag it could read. */
export interface DataLossEstimate {
  /** Seconds of writes that may be lost; undefined when unknown. */
  seconds?: number;
  /** One sentence for the operator: the estimate and what it rests on. */
  summary: string;
  withinRpo: boolean;
}

/**
 * Estimate the data a promotion would lose from the replica's lag: the worst
 * of the recent samples (a spike just before the outage is what is most
 * likely lost), provided the latest sample is no older than
 * `maxLagSampleAgeSeconds` counted back from the outage's start. Missing or
 * stale data is unknown, and unknown is never within the RPO.
 */
export function estimateDataLoss(lag: LagSample | undefined, options: { outageStartedAt: number; rpoSeconds: number; maxLagSampleAgeSeconds: number }): DataLossEstimate {
  const rpo = `RPO ${options.rpoSeconds} s`;
  if (!lag) return { summary: `replication lag unknown (no recent sample): data loss cannot be estimated; ${rpo}`, withinRpo: false };
  const age = Math.max(0, Math.round((options.outageStartedAt - lag.at) / 1000));
  if (age > options.maxLagSampleAgeSeconds) {
    return { summary: `replication lag unknown: the latest sample (${lag.seconds} s) is ${age} s older than the outage; ${rpo}`, withinRpo: false };
  }
  const seconds = Math.max(lag.seconds, lag.worstRecentSeconds ?? lag.seconds);
  const basis = `lag ${lag.seconds} s at ${new Date(lag.at).toISOString()}${lag.worstRecentSeconds !== undefined ? `, worst recent ${lag.worstRecentSeconds} s` : ''}`;
  const withinRpo = seconds <= options.rpoSeconds;
  return { seconds, summary: `estimated data loss up to ${seconds} s of writes (${basis}); ${rpo}${withinRpo ? '' : ': above the RPO'}`, withinRpo };
}

/**
 * Read the estimate back from a summary `estimateDataLoss` wrote (the step's
 * recorded outcome is that sentence): the seconds, or undefined when the lag
 * was unknown. Kept next to the wording it parses.
 */
export function dataLossFromSummary(summary: string): { seconds?: number; withinRpo: boolean } {
  const match = /estimated data loss up to (\d+(?:\.\d+)?) s of writes/.exec(summary);
  if (!match) return { withinRpo: false };
  return { seconds: Number(match[1]), withinRpo: !summary.includes(': above the RPO') };
}

async function estimate(ctx: StepContext, side: Side): Promise<DataLossEstimate> {
  const lag = await ctx.cloud.database.replicaLag(regionOf(ctx, side).database);
  const { rpoSeconds, maxLagSampleAgeSeconds } = ctx.app.policy;
  return estimateDataLoss(lag, { outageStartedAt: ctx.run.outageStartedAt ?? ctx.run.createdAt, rpoSeconds, maxLagSampleAgeSeconds });
}

/**
 * The RPO guard before a promotion: passes on its own when the estimated
 * data loss is known and within the RPO; otherwise the run waits at an
 * approval gate that shows the estimate, and fails if nobody approves in time.
 */
export function rpoGuard(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
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

import type { RegionConfig } from '../../config/types.js';
import { caughtUpAfterFreeze, type CaughtUp, caughtUpFromSamples } from '../../lag/caught-up.js';
import { type DataLossEstimate, estimateFromHeartbeat, estimateFromLagSamples } from '../../lag/data-loss.js';
import type { HeartbeatResult } from '../../lag/heartbeat.js';
import type { StepContext } from '../step.js';

/**
 * The replication evidence of a region as its config says to read it: the
 * heartbeat endpoint when `database.lag.source` is heartbeat (CloudWatch
 * when the endpoint cannot be read, and the summary says so), else the
 * CloudWatch lag metric through the database port.
 */
export async function estimateRegionDataLoss(ctx: StepContext, region: RegionConfig): Promise<DataLossEstimate> {
  const { rpoSeconds, maxLagSampleAgeSeconds, probeIntervalSeconds } = ctx.app.policy;
  const options = {
    outageStartedAt: ctx.run.outageStartedAt ?? ctx.run.createdAt,
    // The outage began after the last good probe round: at most one interval before its first failed one.
    detectionSlackMs: probeIntervalSeconds * 1000,
    rpoSeconds,
    maxLagSampleAgeSeconds,
    ...(region.lag?.engineFamily ? { engineFamily: region.lag.engineFamily } : {}),
    // A run started with no outage seen (a planned move): the evidence is what came before the run.
    startOf: ctx.run.outageStartedAt !== undefined ? ('outage' as const) : ('run' as const),
  };
  const heartbeat = await heartbeatOf(ctx, region, 'replica');
  if (heartbeat?.ok) return estimateFromHeartbeat(heartbeat.reading, options);
  const fromMetric = estimateFromLagSamples(await ctx.cloud.database.replicaLag(region.database), options);
  if (!heartbeat) return fromMetric;
  return { ...fromMetric, summary: `heartbeat unreadable at ${heartbeat.url} (${heartbeat.reason}), CloudWatch instead: ${fromMetric.summary}` };
}

/**
 * Has `replica` replayed everything `writer` had when writes were frozen
 * (`since`: no later than the freeze's end)? Heartbeat positions when both
 * regions have the heartbeat source and both answer (replica first, then
 * writer: see caughtUpAfterFreeze); else the CloudWatch rule.
 */
export async function regionCaughtUp(ctx: StepContext, replica: RegionConfig, writer: RegionConfig, options: { since: number; maxLagSeconds: number }): Promise<CaughtUp & { source: 'heartbeat' | 'cloudwatch' }> {
  let unreadable = '';
  if (replica.lag?.heartbeat && writer.lag?.heartbeat) {
    // The order matters: the writer's position must be read after the replica's.
    const replicaRead = await heartbeatOf(ctx, replica, 'replica');
    const writerRead = replicaRead?.ok ? await heartbeatOf(ctx, writer, 'writer') : undefined;
    if (replicaRead?.ok && writerRead?.ok) return { ...caughtUpAfterFreeze(replicaRead.reading, writerRead.reading, options.since), source: 'heartbeat' };
    const failed = replicaRead && !replicaRead.ok ? replicaRead : writerRead && !writerRead.ok ? writerRead : undefined;
    if (failed) unreadable = `heartbeat unreadable at ${failed.url} (${failed.reason}), CloudWatch instead: `;
  }
  const fromMetric = caughtUpFromSamples(await ctx.cloud.database.replicaLag(replica.database), options);
  return { ...fromMetric, current: `${unreadable}${fromMetric.current}`, source: 'cloudwatch' };
}

/** The region's heartbeat, or undefined when its lag source is not the heartbeat. */
async function heartbeatOf(ctx: StepContext, region: RegionConfig, role: 'writer' | 'replica'): Promise<HeartbeatResult | undefined> {
  const heartbeat = region.lag?.heartbeat;
  if (!heartbeat) return undefined;
  if (!ctx.prober.heartbeat) return { ok: false, url: heartbeat.url, reason: 'this function has no heartbeat reader' };
  return ctx.prober.heartbeat({ url: heartbeat.url, timeoutMs: heartbeat.timeoutMs, expectRole: role });
}

import { describe, expect, it } from 'vitest';
import { dataLossFromSummary, describePoints, estimateFromHeartbeat, estimateFromLagSamples } from '../../../src/lag/data-loss.js';
import type { LagPoint, LagSample } from '../../../src/ports/database-provider.js';

const T = Date.UTC(2026, 10, 24, 12, 0, 0);
const OUTAGE = T + 10_000;
const OPTIONS = { outageStartedAt: OUTAGE, detectionSlackMs: 2_000, rpoSeconds: 30, maxLagSampleAgeSeconds: 60 };

/** One-second datapoints: values[i] for the second starting at T - (values.length - i) s + offset. */
function sample(values: number[], lastAt: number, periodSeconds = 1): LagSample {
  const points: LagPoint[] = values.map((seconds, i) => ({ at: lastAt - (values.length - 1 - i) * periodSeconds * 1000, seconds }));
  return { at: lastAt, points, periodSeconds, metric: 'ReplicaLag' };
}

describe('estimateFromLagSamples', () => {
  it('is unknown without any datapoint', () => {
    expect(estimateFromLagSamples(undefined, OPTIONS)).toEqual({ summary: 'replication lag unknown (no recent lag datapoint at all): data loss cannot be estimated; RPO 30 s', withinRpo: false });
  });

  it('counts only datapoints whose period ended before the outage less the detection slack', () => {
    // Periods of one second; the outage was first seen at T+10 s, so it began after T+8 s: the datapoint of T+7 s is the newest counted.
    const lag = sample([0, 0, 0, 5, 50, 50, 50], T + 10_000);
    expect(lag.points.map((p) => p.at - T)).toEqual([4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    expect(estimateFromLagSamples(lag, OPTIONS)).toMatchObject({ seconds: 5, withinRpo: true });
  });

  it('is unknown when no datapoint is from before the outage, and says how many came after it', () => {
    const lag = sample([-1, -1], T + 10_000);
    expect(estimateFromLagSamples(lag, OPTIONS).summary).toBe(
      'replication lag unknown: no ReplicaLag datapoint from before the outage began at 2026-11-24T12:00:10Z; 2 datapoints from then on not counted: data loss cannot be estimated; RPO 30 s',
    );
  });

  it('is unknown when the newest datapoint before the outage is older than maxLagSampleAgeSeconds', () => {
    const lag = sample([0], T - 60_000);
    const estimate = estimateFromLagSamples(lag, OPTIONS);
    expect(estimate.withinRpo).toBe(false);
    expect(estimate.summary).toContain('the newest ReplicaLag datapoint before the outage (0 s at 11:59:00Z) is 69 s older than its start, more than maxLagSampleAgeSeconds 60 s');
  });

  it('takes a newest -1 as replication not running, never as 0', () => {
    const estimate = estimateFromLagSamples(sample([0, 0, -1, -1], T + 7_000), OPTIONS);
    expect(estimate).toMatchObject({ withinRpo: false, replicationNotRunning: true });
    expect(estimate.seconds).toBeUndefined();
    expect(estimate.summary).toContain('in 2 datapoints from 12:00:06Z to 12:00:07Z');
  });

  it('after replication ran again, counts only the lags since the last -1', () => {
    expect(estimateFromLagSamples(sample([90, -1, 3, 1], T + 7_000), OPTIONS)).toMatchObject({ seconds: 3, withinRpo: true });
  });

  it('takes the worst lag within maxLagSampleAgeSeconds, not older spikes', () => {
    const lag = sample([500, ...Array<number>(59).fill(0), 12, 0], T + 7_000);
    expect(estimateFromLagSamples(lag, OPTIONS)).toMatchObject({ seconds: 12, withinRpo: true });
  });

  it('says when the estimate is above the RPO, and the drill report reads it back', () => {
    const estimate = estimateFromLagSamples(sample([45], T + 7_000), OPTIONS);
    expect(estimate).toMatchObject({ seconds: 45, withinRpo: false });
    expect(dataLossFromSummary(estimate.summary)).toEqual({ seconds: 45, withinRpo: false });
    expect(dataLossFromSummary(estimateFromLagSamples(sample([2.5], T + 7_000), OPTIONS).summary)).toEqual({ seconds: 2.5, withinRpo: true });
    expect(dataLossFromSummary(estimateFromLagSamples(undefined, OPTIONS).summary)).toEqual({ withinRpo: false });
  });

  it('names the run, not an outage, for a run started with no outage seen', () => {
    expect(estimateFromLagSamples(sample([1], T + 7_000), { ...OPTIONS, startOf: 'run' }).summary).toBe(
      'estimated data loss up to 1 s of writes (ReplicaLag before the run began at 2026-11-24T12:00:10Z: 1 s at 12:00:07Z); RPO 30 s',
    );
  });

  it('adds the PostgreSQL caveat to ReplicaLag only', () => {
    expect(estimateFromLagSamples(sample([1], T + 7_000), { ...OPTIONS, engineFamily: 'postgres' }).summary).toContain('idle primary');
    expect(estimateFromLagSamples(sample([1], T + 7_000), { ...OPTIONS, engineFamily: 'mysql' }).summary).not.toContain('idle primary');
    expect(estimateFromLagSamples({ ...sample([1], T + 7_000), metric: 'AuroraGlobalDBRPOLag' }, { ...OPTIONS, engineFamily: 'postgres' }).summary).not.toContain('idle primary');
  });
});

describe('describePoints', () => {
  it('lists a few datapoints newest first, and summarises many', () => {
    expect(describePoints([{ at: T, seconds: 1 }, { at: T + 1_000, seconds: -1 }])).toBe('-1 (not running) at 12:00:01Z, 1 s at 12:00:00Z');
    const many = Array.from({ length: 10 }, (_, i) => ({ at: T + i * 1_000, seconds: i === 2 ? 7 : 0 }));
    expect(describePoints(many)).toBe(
      '0 s at 12:00:09Z, 0 s at 12:00:08Z, 0 s at 12:00:07Z, 0 s at 12:00:06Z, 0 s at 12:00:05Z and 5 more back to 12:00:00Z (worst of all 10: 7 s)',
    );
  });
});

describe('estimateFromHeartbeat', () => {
  const reading = (heartbeatAt: number) => ({ url: 'http://127.0.0.1:1/replication', heartbeatAt, readAt: OUTAGE + 20_000 });

  it('is the time from the replayed heartbeat to the outage, in tenths rounded up', () => {
    const estimate = estimateFromHeartbeat(reading(OUTAGE - 1_234), OPTIONS);
    expect(estimate).toEqual({
      seconds: 1.3,
      withinRpo: true,
      summary:
        "estimated data loss up to 1.3 s of writes (heartbeat: the replica had replayed the writer's heartbeat of 12:00:08.766Z when read at 12:00:30Z from http://127.0.0.1:1/replication; the outage began at 2026-11-24T12:00:10Z); RPO 30 s",
    });
    expect(dataLossFromSummary(estimate.summary)).toEqual({ seconds: 1.3, withinRpo: true });
  });

  it('is 0 when the replica replayed heartbeats written after the outage was first seen', () => {
    expect(estimateFromHeartbeat(reading(OUTAGE + 3_000), OPTIONS).seconds).toBe(0);
  });

  it('reads a heartbeat that stopped long before the outage as a large loss, above the RPO', () => {
    expect(estimateFromHeartbeat(reading(OUTAGE - 3_600_000), OPTIONS)).toMatchObject({ seconds: 3600, withinRpo: false });
  });
});

import { describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../../src/drills/drill.js';
import { drillHoldReason, type FailoverEvidence, holdLeftBy, retryHoldReason } from '../../../src/drills/failover-hold.js';
import type { RegionHealth } from '../../../src/health/region-health.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';

const T0 = DRILL_T0;
const HEALED = T0 + 12_000;

const drill = drillFixture;

/** The drill's failover run, us-east-1 → eu-west-1. */
function failoverRun(patch: Partial<RunRecord> = {}): RunRecord {
  return { id: 'run-1', app: 'shop', kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'automatic', reason: 'r', status: 'failed', createdAt: T0 + 15_000, steps: [], ...patch };
}

/** us-east-1 judged down: failing since 5 s after the injection, three failed rounds. */
function unhealthy(patch: Partial<RegionHealth> = {}): RegionHealth {
  return { region: 'us-east-1', state: 'unhealthy', since: HEALED, consecutiveFailures: 3, consecutiveSuccesses: 0, failingSince: T0 + 5_000, lastObservationAt: HEALED, lastResults: [], recent: [1, 1, 0, 0, 0], ...patch };
}

const aborted = drill({ status: 'aborted', stage: 'ended', abort: { by: 'bob', at: HEALED }, milestones: { startedAt: T0, healedAt: HEALED }, failoverHold: { region: 'us-east-1', healedAt: HEALED } });

const evidence = (patch: Partial<FailoverEvidence> = {}): FailoverEvidence => ({ drill: aborted, from: 'us-east-1', health: unhealthy(), roundsSinceHeal: [], fallThreshold: 3, ...patch });

describe('holdLeftBy', () => {
  it('holds the drill region when the drill ends in detection with its outage healed', () => {
    expect(holdLeftBy(drill({ milestones: { startedAt: T0, healedAt: HEALED } }))).toEqual({ region: 'us-east-1', healedAt: HEALED });
  });

  it.each(['failed', 'cancelled'] as const)('holds the drill region when its failover run %s and the outage is healed (a rejected RPO gate, a cancel)', (status) => {
    const patch = { stage: 'failing-over' as const, failoverRunId: 'run-1', milestones: { startedAt: T0, healedAt: HEALED } };
    expect(holdLeftBy(drill(patch), failoverRun({ status }))).toEqual({ region: 'us-east-1', healedAt: HEALED });
  });

  it('holds the drill region when its failover run is not in the store (it moved nothing anyone can see: counted as failed)', () => {
    expect(holdLeftBy(drill({ milestones: { startedAt: T0, healedAt: HEALED }, failoverRunId: 'run-1' }), undefined)).toEqual({ region: 'us-east-1', healedAt: HEALED });
  });

  it.each<[string, Partial<DrillRecord>, RunRecord | undefined]>([
    ['the heal failed (the region is really down)', { milestones: { startedAt: T0 } }, undefined],
    ['a failover run of the drill still runs', { milestones: { startedAt: T0, healedAt: HEALED }, failoverRunId: 'run-1' }, failoverRun({ status: 'running' })],
    ['the drill’s failover run succeeded', { stage: 'awaiting-primary', milestones: { startedAt: T0, healedAt: HEALED }, failoverRunId: 'run-1' }, failoverRun({ status: 'succeeded' })],
    ['nothing was injected', { trigger: 'manual-failover', milestones: { startedAt: T0, healedAt: HEALED } }, undefined],
  ])('leaves none when %s', (_, patch, run) => {
    expect(holdLeftBy(drill(patch), run)).toBeUndefined();
  });
});

describe('retryHoldReason', () => {
  const failingOver = drill({ stage: 'failing-over', failoverRunId: 'run-1' });

  it.each(['failed', 'cancelled'] as const)('holds a second failover while the running drill’s own failover run has %s and its outage is still in', (status) => {
    expect(retryHoldReason(failingOver, 'us-east-1', failoverRun({ status }))).toEqual({
      reason: `us-east-1 is down under the injected outage of game day drill-1, whose failover run run-1 ${status}: no second failover on the drill's evidence; the drill heals us-east-1 on its next step`,
      attention: false,
    });
  });

  it('pages once the drill’s heal has failed for too long (the drill asked for an operator), saying the outage could not be healed', () => {
    const since = T0 + 20_000;
    const failing = { ...failingOver, healFailure: { since, error: 'Error: unreachable' } };
    expect(retryHoldReason(failing, 'us-east-1', failoverRun())).toMatchObject({ attention: false });
    expect(retryHoldReason({ ...failing, healFailure: { ...failing.healFailure, alarmedAt: since + 600_000 } }, 'us-east-1', failoverRun())).toEqual({
      reason:
        `us-east-1 is down under the injected outage of game day drill-1, whose failover run run-1 failed, and the outage could not be healed since ${new Date(since).toISOString()} (Error: unreachable): ` +
        "no second failover on the drill's evidence, but us-east-1 stays down until an operator heals it or fails over by hand",
      attention: true,
    });
  });

  it.each<[string, DrillRecord, string, RunRecord | undefined]>([
    ['its run still runs', failingOver, 'us-east-1', failoverRun({ status: 'running' })],
    ['its run succeeded', failingOver, 'us-east-1', failoverRun({ status: 'succeeded' })],
    ['the run is not the drill’s', failingOver, 'us-east-1', failoverRun({ id: 'run-2', status: 'failed' })],
    ['the failover leaves another region', failingOver, 'eu-west-1', failoverRun({ status: 'failed' })],
    ['the drill is still detecting', drill(), 'us-east-1', undefined],
    ['the drill has ended', { ...failingOver, status: 'failed', stage: 'ended' }, 'us-east-1', failoverRun({ status: 'failed' })],
  ])('lets the failover go when %s', (_, d, from, run) => {
    expect(retryHoldReason(d, from, run)).toBeUndefined();
  });
});

describe('drillHoldReason', () => {
  it('holds a failover whose failure streak began under the drill’s outage, and says why', () => {
    expect(drillHoldReason(evidence())).toBe(
      `us-east-1 (active) unhealthy for 3 rounds, but the failures began under the injected outage of game day drill-1, which was aborted by bob and healed us-east-1 at ${new Date(HEALED).toISOString()}: ` +
        "no failover on the drill's evidence; holding until us-east-1 answers again (3 failed rounds in a row after the heal would be an outage of its own; 0 so far)",
    );
  });

  it('counts a round stamped at the heal’s instant as the drill’s, and only failed rounds in a row after it', () => {
    const rounds = [
      { at: HEALED, ok: false },
      { at: HEALED + 5_000, ok: false },
      { at: HEALED + 10_000, ok: true },
      { at: HEALED + 20_000, ok: false },
      { at: HEALED + 15_000, ok: false },
    ];
    expect(drillHoldReason(evidence({ roundsSinceHeal: rounds }))).toMatch(/; 2 so far\)$/);
  });

  it('lets the failover go once the region has failed fall rounds in a row after the heal: an outage of its own', () => {
    const rounds = [1, 2, 3].map((i) => ({ at: HEALED + i * 5_000, ok: false }));
    expect(drillHoldReason(evidence({ roundsSinceHeal: rounds }))).toBeUndefined();
  });

  it.each<[string, Partial<FailoverEvidence>]>([
    ['the newest drill left no hold', { drill: drill({ status: 'succeeded', stage: 'ended' }) }],
    ['the failover leaves another region', { from: 'eu-west-1', health: unhealthy({ region: 'eu-west-1' }) }],
    ['the streak began after the heal', { health: unhealthy({ failingSince: HEALED + 5_000 }) }],
    ['the region is not failing', { health: { ...unhealthy(), state: 'healthy', consecutiveFailures: 0, failingSince: undefined } as RegionHealth }],
  ])('lets the failover go when %s', (_, patch) => {
    expect(drillHoldReason(evidence(patch))).toBeUndefined();
  });

  it('names how a drill that was not aborted ended', () => {
    expect(drillHoldReason(evidence({ drill: { ...aborted, status: 'failed' } }))).toContain('which ended failed and healed us-east-1');
  });
});

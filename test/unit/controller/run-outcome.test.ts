import { describe, expect, it } from 'vitest';
import type { AppPolicy } from '../../../src/config/types.js';
import { automaticFailoverTimes, lastFailoverFromRuns, takeUpOutcome } from '../../../src/controller/run-outcome.js';
import type { RegionHealth } from '../../../src/health/region-health.js';
import { decide } from '../../../src/policy/decide.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { runFixture } from '../../support/run-fixture.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;

/** A failover (or other run) that ended well `ago` ms before NOW; a game day's when `drillId` is given. */
function run(ago: number, patch: Partial<RunRecord> = {}): RunRecord {
  return runFixture({ id: `run-${ago}`, status: 'succeeded', createdAt: NOW - ago, finishedAt: NOW - ago + 30_000, ...patch });
}

/** Newest first, as the store lists them: a drill's failback 2 min ago, its automatic failover 4 min ago, a real failover 30 h ago (out of the cap's day). */
const RUNS = [
  run(2 * MIN, { kind: 'failback', from: 'eu-west-1', to: 'us-east-1', trigger: 'manual', drillId: 'drill-1' }),
  run(4 * MIN, { drillId: 'drill-1' }),
  run(1800 * MIN),
];

const policy: AppPolicy = {
  probeIntervalSeconds: 5,
  fallThreshold: 3,
  riseThreshold: 3,
  rtoSeconds: 300,
  rpoSeconds: 60,
  automaticFailover: true,
  failback: 'manual',
  cooldownSeconds: 600,
  failbackHoldDownSeconds: 1800,
  maxAutomaticFailoversPerDay: 1,
  flapWindowRounds: 20,
  flapMinFailures: 2,
  quorum: 1,
  maxLagSampleAgeSeconds: 300,
  approvalTimeoutSeconds: 1800,
  separateApprover: false,
  availabilityTargetPercent: 99.95,
};

function region(name: string, down: boolean): RegionHealth {
  const failures = down ? 4 : 0;
  return {
    region: name,
    state: down ? 'unhealthy' : 'healthy',
    since: NOW - 5_000,
    consecutiveFailures: failures,
    consecutiveSuccesses: down ? 0 : 10,
    ...(down ? { failingSince: NOW - 20_000 } : {}),
    lastObservationAt: NOW - 1_000,
    lastResults: [],
    recent: [...Array.from({ length: 20 }, () => 1), ...Array.from({ length: failures }, () => 0)],
  };
}

/** The policy's answer to a primary outage now, with the cooldown and cap inputs the controller derives from `runs`. */
function decideAfter(runs: RunRecord[]) {
  const lastFailoverAt = lastFailoverFromRuns(runs);
  return decide(
    {
      app: 'shop',
      policy,
      regions: ['us-east-1', 'eu-west-1'],
      activeRegion: 'us-east-1',
      health: { 'us-east-1': region('us-east-1', true), 'eu-west-1': region('eu-west-1', false) },
      automaticFailoversLast24h: automaticFailoverTimes(runs),
      ...(lastFailoverAt !== undefined ? { lastFailoverAt } : {}),
    },
    NOW,
  );
}

describe('run outcomes: a game day’s runs neither start the cooldown nor count toward the daily cap', () => {
  it('starts the cooldown with the newest real failover, not a drill’s', () => {
    expect(lastFailoverFromRuns(RUNS)).toBe(NOW - 1800 * MIN);
    expect(lastFailoverFromRuns(RUNS.slice(0, 2))).toBeUndefined();
    // The same run without the drill mark does start it: the mark is what is tested.
    expect(lastFailoverFromRuns(RUNS.map(({ drillId: _drillId, ...r }) => r))).toBe(NOW - 4 * MIN);
  });

  it('counts only real automatic failovers toward the cap', () => {
    const manual = run(60 * MIN, { trigger: 'manual' });
    expect(automaticFailoverTimes([...RUNS, manual])).toEqual([NOW - 1800 * MIN]);
    expect(automaticFailoverTimes(RUNS.map(({ drillId: _drillId, ...r }) => r))).toEqual([NOW - 4 * MIN, NOW - 1800 * MIN]);
  });

  it('fails a real outage over right after a game day, where the unmarked runs would have held it', () => {
    expect(decideAfter(RUNS)).toMatchObject({ action: 'failover', from: 'us-east-1', to: 'eu-west-1' });
    const unmarked = decideAfter(RUNS.map(({ drillId: _drillId, ...r }) => r));
    expect(unmarked).toMatchObject({ action: 'hold' });
    expect(unmarked.reason).toMatch(/cooldown left/);
    // With the cooldown over, the cap alone still held the unmarked drill failover.
    const later = RUNS.map(({ drillId: _drillId, ...r }) => ({ ...r, createdAt: r.createdAt - 20 * MIN }));
    expect(decideAfter(later).reason).toMatch(/reach the cap of 1/);
    expect(decideAfter(later.map((r, i) => (i < 2 ? { ...r, drillId: 'drill-1' } : r)))).toMatchObject({ action: 'failover' });
  });

  it('takes up a drill’s failover that ended elsewhere without starting the cooldown', async () => {
    const drillFailover = run(4 * MIN, { drillId: 'drill-1' });
    const reads = { state: async () => undefined, dns: async () => 'eu-west-1' };
    expect(await takeUpOutcome(drillFailover, reads)).toEqual({ activeRegion: 'eu-west-1' });
    const { drillId: _drillId, ...real } = drillFailover;
    expect(await takeUpOutcome(real, reads)).toEqual({ activeRegion: 'eu-west-1', lastFailoverAt: NOW - 4 * MIN });
  });
});

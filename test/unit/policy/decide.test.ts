import { describe, expect, it } from 'vitest';
import type { AppPolicy } from '../../../src/config/types.js';
import type { HealthState, RegionHealth } from '../../../src/health/region-health.js';
import { decide, type DecideInput } from '../../../src/policy/decide.js';
import type { Decision, FailoverDecision, HoldDecision } from '../../../src/policy/decision.js';

const NOW = Date.UTC(2026, 5, 1, 3, 0, 0);
const INTERVAL_S = 5;
const INTERVAL_MS = INTERVAL_S * 1000;
const OUTAGE_START = NOW - 20_000;

const policy: AppPolicy = {
  probeIntervalSeconds: INTERVAL_S,
  fallThreshold: 3,
  riseThreshold: 3,
  rtoSeconds: 300,
  rpoSeconds: 60,
  automaticFailover: true,
  failback: 'manual',
  cooldownSeconds: 600, failbackHoldDownSeconds: 1800, maxAutomaticFailoversPerDay: 2, flapWindowRounds: 20, flapMinFailures: 2, quorum: 1, maxLagSampleAgeSeconds: 300, approvalTimeoutSeconds: 1800, separateApprover: false, availabilityTargetPercent: 99.95,
};

/** A region's health as the state machine would have it, observed `ageMs` before NOW. */
function health(region: string, state: HealthState, extra: Partial<RegionHealth> = {}, ageMs = 1_000): RegionHealth {
  const counts: Record<HealthState, Pick<RegionHealth, 'consecutiveFailures' | 'consecutiveSuccesses'>> = {
    unknown: { consecutiveFailures: 0, consecutiveSuccesses: 1 },
    healthy: { consecutiveFailures: 0, consecutiveSuccesses: 10 },
    suspect: { consecutiveFailures: 2, consecutiveSuccesses: 0 },
    unhealthy: { consecutiveFailures: 4, consecutiveSuccesses: 0 },
    recovering: { consecutiveFailures: 0, consecutiveSuccesses: 1 },
  };
  const failing = state === 'suspect' || state === 'unhealthy' || state === 'recovering';
  return {
    region,
    state,
    since: NOW - 5_000,
    ...counts[state],
    ...(failing ? { failingSince: OUTAGE_START } : {}),
    lastObservationAt: NOW - ageMs,
    lastResults: [],
    recent: [...Array.from({ length: 20 }, () => 1), ...Array.from({ length: counts[state].consecutiveFailures }, () => 0)],
    ...extra,
  };
}

function input(healths: RegionHealth[], extra: Partial<DecideInput> = {}): DecideInput {
  return {
    app: 'shop',
    policy,
    regions: ['us-east-1', 'eu-west-1', 'ap-south-1'].slice(0, Math.max(2, healths.length)),
    activeRegion: 'us-east-1',
    health: Object.fromEntries(healths.map((h) => [h.region, h])),
    ...extra,
  };
}

function expectHold(decision: Decision): HoldDecision {
  expect(decision.action).toBe('hold');
  return decision as HoldDecision;
}

function expectFailover(decision: Decision): FailoverDecision {
  expect(decision.action, decision.reason).toBe('failover');
  return decision as FailoverDecision;
}

const downAndStandbyUp = (extra: Partial<DecideInput> = {}) => input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'healthy')], extra);

describe('decide: failover', () => {
  it('fails over when the active region is unhealthy and a standby is healthy', () => {
    const decision = expectFailover(decide(downAndStandbyUp(), NOW));
    expect(decision).toEqual({
      action: 'failover',
      app: 'shop',
      at: NOW,
      from: 'us-east-1',
      to: 'eu-west-1',
      outageStartedAt: OUTAGE_START,
      rto: { outageStartedAt: OUTAGE_START, detectedAt: NOW, rtoSeconds: 300, summary: `Detected ${Math.round((NOW - OUTAGE_START) / 1000)} s after the outage began; no past run to estimate recovery from (RTO 300 s).` },
      reason: `us-east-1 (active) unhealthy for 4 rounds (since ${new Date(OUTAGE_START).toISOString()}); eu-west-1 is healthy: failing over. Detected ${Math.round((NOW - OUTAGE_START) / 1000)} s after the outage began; no past run to estimate recovery from (RTO 300 s).`,
    });
  });

  it('says when the RTO cannot be met, from the recovery time of past runs', () => {
    const met = expectFailover(decide(downAndStandbyUp({ expectedRecoveryMs: 60_000 }), NOW));
    expect(met.rto).toMatchObject({ expectedRecoveryMs: 60_000, rtoMet: true });
    const missed = expectFailover(decide(downAndStandbyUp({ expectedRecoveryMs: 400_000 }), NOW));
    expect(missed.rto.rtoMet).toBe(false);
    expect(missed.reason).toContain('the RTO of 300 s cannot be met');
  });

  it('does not fail over a flapping region: a streak after intermittent failures is held until it outlasts the window', () => {
    const flapping = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0] });
    const held = decide(input([flapping, health('eu-west-1', 'healthy')]), NOW);
    expect(held).toMatchObject({ action: 'hold', attention: true });
    expect(held.reason).toContain('it is flapping (2 failed of the 20 rounds before)');
    const outlasted = health('us-east-1', 'unhealthy', { consecutiveFailures: 21, recent: [1, 0, 1, 0, ...Array.from({ length: 21 }, () => 0)] });
    expect(decide(input([outlasted, health('eu-west-1', 'healthy')]), NOW).action).toBe('failover');
  });

  it('damping holds from the onset: a streak after two rounds that saw a failure, failed or passed with a failed attempt (0.5), is held as flapping', () => {
    const steady = Array.from({ length: 20 }, () => 1);
    const shakyOnset = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [...steady, 0.5, 1, 0.5, 0, 0, 0] });
    const held = decide(input([shakyOnset, health('eu-west-1', 'healthy')]), NOW);
    expect(held).toMatchObject({ action: 'hold', attention: true });
    expect(held.reason).toContain('it is flapping (0 failed, 2 passed with failed attempts, of the 20 rounds before)');
    const mixed = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [...steady, 0, 0.5, 0, 0, 0] });
    expect(decide(input([mixed, health('eu-west-1', 'healthy')]), NOW).reason).toContain('it is flapping (1 failed, 1 passed with failed attempts, of the 20 rounds before)');
  });

  it('a lone blip does not slow detection: one round that saw a failure before the streak, and it fails over at the fall threshold', () => {
    const steady = Array.from({ length: 20 }, () => 1);
    for (const blip of [0, 0.5]) {
      const down = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [...steady, blip, 1, 1, 0, 0, 0] });
      expect(decide(input([down, health('eu-west-1', 'healthy')]), NOW).action).toBe('failover');
    }
    // flapMinFailures 1 would hold it as flapping.
    const down = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [...steady, 0.5, 1, 1, 0, 0, 0] });
    expect(decide({ ...input([down, health('eu-west-1', 'healthy')]), policy: { ...policy, flapMinFailures: 1 } }, NOW).action).toBe('hold');
  });

  it('a hard outage of a steady region fails over at the fall threshold, flap damping or not', () => {
    const steady = Array.from({ length: 20 }, () => 1);
    const down = health('us-east-1', 'unhealthy', { consecutiveFailures: 3, recent: [...steady, 0, 0, 0] });
    expect(decide(input([down, health('eu-west-1', 'healthy')]), NOW).action).toBe('failover');
  });

  it('pages instead of failing over once the daily cap of automatic failovers is reached', () => {
    const capped = decide(downAndStandbyUp({ automaticFailoversLast24h: [NOW - 3 * 3600_000, NOW - 2 * 3600_000], lastFailoverAt: NOW - 2 * 3600_000 }), NOW);
    expect(capped).toMatchObject({ action: 'hold', attention: true });
    expect(capped.reason).toContain('2 automatic failovers in 24 hours reach the cap of 2: paging a human instead');
    // Older than a day: they do not count.
    expect(decide(downAndStandbyUp({ automaticFailoversLast24h: [NOW - 25 * 3600_000, NOW - 26 * 3600_000] }), NOW).action).toBe('failover');
  });

  it('holds and pages when the observer is cut off', () => {
    const held = decide(downAndStandbyUp({ observerCutOff: true }), NOW);
    expect(held).toMatchObject({ action: 'hold', attention: true });
    expect(held.reason).toContain('cut off');
  });

  it('fails back automatically only when configured, after the primary has been steady for the hold-down', () => {
    const automatic = { ...policy, failback: 'automatic' as const, failbackHoldDownSeconds: 600 };
    const base = { activeRegion: 'eu-west-1', policy: automatic };
    const shortly = health('us-east-1', 'healthy', { consecutiveSuccesses: 60 });
    expect(decide(input([shortly, health('eu-west-1', 'healthy')], base), NOW)).toMatchObject({ action: 'hold' });
    const steady = health('us-east-1', 'healthy', { consecutiveSuccesses: 120 });
    expect(decide(input([steady, health('eu-west-1', 'healthy')], base), NOW)).toMatchObject({ action: 'failback', from: 'eu-west-1', to: 'us-east-1' });
    expect(decide(input([steady, health('eu-west-1', 'healthy')], { ...base, policy }), NOW).reason).toContain('failback is manual');
  });

  it('counts the outage from the state change when no failing round is recorded', () => {
    const active = health('us-east-1', 'unhealthy');
    delete active.failingSince;
    const decision = expectFailover(decide(input([active, health('eu-west-1', 'healthy')]), NOW));
    expect(decision.outageStartedAt).toBe(active.since);
  });

  it('prefers standbys in configured order', () => {
    const decision = expectFailover(decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'healthy'), health('ap-south-1', 'healthy')]), NOW));
    expect(decision.to).toBe('eu-west-1');
    const reordered = expectFailover(
      decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'healthy'), health('ap-south-1', 'healthy')], { regions: ['us-east-1', 'ap-south-1', 'eu-west-1'] }), NOW),
    );
    expect(reordered.to).toBe('ap-south-1');
  });

  it.each<HealthState>(['unhealthy', 'suspect', 'recovering', 'unknown'])('skips a first standby that is %s and takes the next healthy one', (state) => {
    const decision = expectFailover(decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', state), health('ap-south-1', 'healthy')]), NOW));
    expect(decision.to).toBe('ap-south-1');
    expect(decision.from).toBe('us-east-1');
  });

  it('skips a healthy standby whose observations are stale', () => {
    const decision = expectFailover(
      decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'healthy', {}, 3 * INTERVAL_MS + 1), health('ap-south-1', 'healthy')]), NOW),
    );
    expect(decision.to).toBe('ap-south-1');
  });

  it('never fails back to the primary on its own: after a failover the primary\'s database is a stale writer (failback: manual)', () => {
    // us-east-1 (primary) was lost and the app failed over to eu-west-1 an hour ago. us-east-1 answers
    // probes again, but its database was not rebuilt; now eu-west-1 fails. Moving traffic to us-east-1
    // automatically would serve the pre-failover data: that is a failback, which only an operator may start.
    const decision = expectHold(
      decide(input([health('us-east-1', 'healthy'), health('eu-west-1', 'unhealthy')], { activeRegion: 'eu-west-1', lastFailoverAt: NOW - 3_600_000 }), NOW),
    );
    expect(decision.attention).toBe(true);
    expect(decision.reason).toMatch(/fail ?back|operator/);
  });
});

describe('decide: hold, and why', () => {
  it('holds while the active region is healthy, without paging anybody', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'healthy'), health('eu-west-1', 'unhealthy')]), NOW));
    expect(decision).toEqual({ action: 'hold', app: 'shop', at: NOW, reason: 'us-east-1 (active) is healthy', attention: false });
  });

  it('holds while the active region is only suspect', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'suspect'), health('eu-west-1', 'healthy')]), NOW));
    expect(decision.reason).toBe('us-east-1 (active) is suspect: 2 of 3 failed rounds before it counts as down');
    expect(decision.attention).toBe(false);
  });

  it('holds while the active region is not yet judged', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'unknown', { consecutiveFailures: 2, consecutiveSuccesses: 0 }), health('eu-west-1', 'healthy')]), NOW));
    expect(decision.reason).toBe('us-east-1 (active) not yet judged: 2 round(s) observed');
    expect(decision.attention).toBe(false);
  });

  it('holds while the active region is recovering, and asks for attention', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'recovering', { consecutiveSuccesses: 2 }), health('eu-west-1', 'healthy')]), NOW));
    expect(decision.reason).toBe('us-east-1 (active) is recovering: 2 of 3 good rounds');
    expect(decision.attention).toBe(true);
  });

  it('holds while a run is in progress, whatever the health says', () => {
    const decision = expectHold(decide({ ...downAndStandbyUp(), runInProgress: { id: 'run-42', kind: 'drill' } }, NOW));
    expect(decision.reason).toBe('drill run run-42 in progress: holding until it ends');
    expect(decision.attention).toBe(false);
  });

  it('holds on stale observations of the active region (older than 3 intervals)', () => {
    const stale = input([health('us-east-1', 'unhealthy', {}, 3 * INTERVAL_MS + 1), health('eu-west-1', 'healthy')]);
    const decision = expectHold(decide(stale, NOW));
    expect(decision.reason).toBe('no fresh observations of us-east-1 (active): holding, a decision needs current data');
    expect(decision.attention).toBe(true);
  });

  it('observations exactly 3 intervals old still count', () => {
    const edge = input([health('us-east-1', 'unhealthy', {}, 3 * INTERVAL_MS), health('eu-west-1', 'healthy', {}, 3 * INTERVAL_MS)]);
    expect(decide(edge, NOW).action).toBe('failover');
  });

  it('the staleness window scales with the probe interval', () => {
    const slow = { ...policy, probeIntervalSeconds: 60 };
    const old = input([health('us-east-1', 'unhealthy', {}, 100_000), health('eu-west-1', 'healthy', {}, 100_000)], { policy: slow });
    expect(decide(old, NOW).action).toBe('failover');
    expect(decide({ ...old, policy }, NOW).action).toBe('hold');
  });

  it('holds, without paging, when the active region was never observed', () => {
    const decision = expectHold(decide(input([health('eu-west-1', 'healthy')]), NOW));
    expect(decision.reason).toContain('no fresh observations of us-east-1 (active)');
    expect(decision.attention).toBe(false);
  });

  it('holds when every region is unhealthy: the observer itself may be cut off', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'unhealthy'), health('ap-south-1', 'unhealthy')]), NOW));
    expect(decision.reason).toContain('observer itself may be cut off');
    expect(decision.reason).toContain('all regions unhealthy');
    expect(decision.attention).toBe(true);
  });

  it('holds when no standby is healthy, listing each standby', () => {
    const decision = expectHold(
      decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'recovering'), health('ap-south-1', 'healthy', {}, 3 * INTERVAL_MS + 1)]), NOW),
    );
    expect(decision.reason).toBe('us-east-1 (active) unhealthy for 4 rounds, but no standby is healthy (eu-west-1 recovering, ap-south-1 not observed recently): holding');
    expect(decision.reason).not.toContain('observer itself');
    expect(decision.attention).toBe(true);
  });

  it('a standby that was never observed is not "unhealthy": no cut-off observer claim', () => {
    const decision = expectHold(decide(input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'unhealthy')], { regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] }), NOW));
    expect(decision.reason).toContain('no standby is healthy (eu-west-1 unhealthy, ap-south-1 not observed recently)');
    expect(decision.attention).toBe(true);
  });

  it('holds and pages when automatic failover is off', () => {
    const decision = expectHold(decide({ ...downAndStandbyUp(), policy: { ...policy, automaticFailover: false } }, NOW));
    expect(decision.reason).toBe('us-east-1 (active) unhealthy for 4 rounds; eu-west-1 is healthy, but automatic failover is off: an operator must fail over');
    expect(decision.attention).toBe(true);
  });

  it('holds and pages while the cooldown since the last failover has not passed', () => {
    const decision = expectHold(decide({ ...downAndStandbyUp(), lastFailoverAt: NOW - 599_500 }, NOW));
    expect(decision.reason).toBe(
      'us-east-1 (active) unhealthy for 4 rounds; eu-west-1 is healthy, but the last failover was less than 600 s ago (1 s of cooldown left): paging instead',
    );
    expect(decision.attention).toBe(true);
  });

  it('counts the cooldown left in whole seconds, rounded up', () => {
    const decision = expectHold(decide({ ...downAndStandbyUp(), lastFailoverAt: NOW - 100_000 }, NOW));
    expect(decision.reason).toContain('(500 s of cooldown left)');
  });

  it('fails over once the cooldown has passed', () => {
    expect(decide({ ...downAndStandbyUp(), lastFailoverAt: NOW - 600_000 }, NOW).action).toBe('failover');
    expect(decide({ ...downAndStandbyUp(), lastFailoverAt: NOW - 3_600_000 }, NOW).action).toBe('failover');
  });

  it('a cooldown of zero never holds', () => {
    expect(decide({ ...downAndStandbyUp(), policy: { ...policy, cooldownSeconds: 0 }, lastFailoverAt: NOW }, NOW).action).toBe('failover');
  });
});

describe('decide: purity', () => {
  it('same input and now give a deep-equal decision, and the input is not modified', () => {
    const cases: DecideInput[] = [
      downAndStandbyUp(),
      input([health('us-east-1', 'healthy'), health('eu-west-1', 'healthy')]),
      { ...downAndStandbyUp(), lastFailoverAt: NOW - 1_000 },
      input([health('us-east-1', 'unhealthy'), health('eu-west-1', 'unhealthy')]),
    ];
    for (const c of cases) {
      const copy = structuredClone(c);
      const first = decide(c, NOW);
      const second = decide(structuredClone(c), NOW);
      expect(second).toEqual(first);
      expect(c).toEqual(copy);
    }
  });

  it('depends on now, not on the wall clock', () => {
    const later = NOW + 10 * 60_000;
    const a = decide(downAndStandbyUp(), NOW);
    const b = decide(downAndStandbyUp(), later);
    expect(a.at).toBe(NOW);
    // Ten minutes later the same observations are stale.
    expect(b.action).toBe('hold');
    expect(b.at).toBe(later);
  });
});

import { describe, expect, it } from 'vitest';
import { decisionIdentity, maxHeldGapMs, nextDecisionEntry } from '../../../src/controller/decision-log.js';
import type { Decision, DecisionInputs } from '../../../src/policy/decision.js';

const T0 = Date.UTC(2026, 11, 7, 12);
const GAP = { maxGapMs: maxHeldGapMs(5) };

function inputs(primary: string, failures: number, extra: Partial<DecisionInputs> = {}): DecisionInputs {
  return {
    activeRegion: 'us-east-1',
    observerCutOff: false,
    regions: [
      { name: 'us-east-1', state: primary, consecutiveFailures: failures, consecutiveSuccesses: 0, lastObservationAt: T0 + failures * 5_000 },
      { name: 'eu-west-1', state: 'healthy', consecutiveFailures: 0, consecutiveSuccesses: 40 + failures, lastObservationAt: T0 + failures * 5_000 },
    ],
    ...extra,
  };
}

function hold(at: number, reason: string, attention = true): Decision {
  return { app: 'shop', action: 'hold', at, reason, attention };
}

describe('decision log: one entry per decision held, not per round', () => {
  it('ignores the round counts in the reason and the inputs', () => {
    expect(decisionIdentity(hold(T0, 'us-east-1 unhealthy for 3 rounds'), inputs('unhealthy', 3))).toBe(decisionIdentity(hold(T0 + 5_000, 'us-east-1 unhealthy for 4 rounds'), inputs('unhealthy', 4)));
  });

  it('tells apart the action, the target, attention, a region state, the active region, a run in progress and the observer cut off', () => {
    const base = decisionIdentity(hold(T0, 'x'), inputs('unhealthy', 3));
    const failover: Decision = { app: 'shop', action: 'failover', at: T0, reason: 'x', from: 'us-east-1', to: 'eu-west-1', outageStartedAt: T0, rto: { outageStartedAt: T0, detectedAt: T0, rtoSeconds: 300, summary: '' } };
    const others = [
      decisionIdentity(hold(T0, 'x', false), inputs('unhealthy', 3)),
      decisionIdentity(failover, inputs('unhealthy', 3)),
      decisionIdentity({ ...failover, to: 'ap-south-1' }, inputs('unhealthy', 3)),
      decisionIdentity(hold(T0, 'x'), inputs('suspect', 3)),
      decisionIdentity(hold(T0, 'x'), inputs('unhealthy', 3, { activeRegion: 'eu-west-1' })),
      decisionIdentity(hold(T0, 'x'), inputs('unhealthy', 3, { runInProgress: 'run-1' })),
      decisionIdentity(hold(T0, 'x'), inputs('unhealthy', 3, { observerCutOff: true })),
      decisionIdentity({ ...hold(T0, 'x'), app: 'blog' }, inputs('unhealthy', 3)),
    ];
    for (const other of others) expect(other).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });

  it('holds a decision on: the same entry under its first `at`, one round more, with the latest reason and inputs', () => {
    const first = nextDecisionEntry(undefined, hold(T0, 'unhealthy for 3 rounds'), inputs('unhealthy', 3), GAP);
    expect(first).toEqual({ changed: true, entry: { ...hold(T0, 'unhealthy for 3 rounds'), inputs: inputs('unhealthy', 3), count: 1, lastAt: T0 } });
    let entry = first.entry;
    for (let round = 4; round <= 102; round++) {
      const next = nextDecisionEntry(entry, hold(T0 + (round - 3) * 5_000, `unhealthy for ${round} rounds`), inputs('unhealthy', round), GAP);
      expect(next.changed).toBe(false);
      entry = next.entry;
    }
    expect(entry).toEqual({ ...hold(T0, 'unhealthy for 102 rounds'), inputs: inputs('unhealthy', 102), count: 100, lastAt: T0 + 99 * 5_000 });
  });

  it('starts a new entry on a change, after an entry recorded without inputs, and after a gap the controller was away', () => {
    const { entry } = nextDecisionEntry(undefined, hold(T0, 'a'), inputs('unhealthy', 3), GAP);
    expect(nextDecisionEntry(entry, hold(T0 + 5_000, 'b'), inputs('healthy', 0), GAP)).toMatchObject({ changed: true, entry: { at: T0 + 5_000, count: 1, lastAt: T0 + 5_000, reason: 'b' } });
    expect(nextDecisionEntry(hold(T0, 'old'), hold(T0 + 5_000, 'b'), inputs('unhealthy', 4), GAP)).toMatchObject({ changed: true, entry: { at: T0 + 5_000, count: 1 } });
    expect(nextDecisionEntry(entry, hold(T0 + 120_000, 'b'), inputs('unhealthy', 4), GAP).changed).toBe(false);
    expect(nextDecisionEntry(entry, hold(T0 + 120_001, 'b'), inputs('unhealthy', 4), GAP)).toMatchObject({ changed: true, entry: { at: T0 + 120_001, count: 1 } });
  });

  it('allows a few probe intervals, and at least 2 minutes (a Lambda invocation hands over to the next), between rounds of a held decision', () => {
    expect(maxHeldGapMs(5)).toBe(120_000);
    expect(maxHeldGapMs(60)).toBe(180_000);
  });
});

import { describe, expect, it } from 'vitest';
import { countQuorum, votesFromObservations } from '../../../src/health/quorum.js';
import type { ObservationRecord } from '../../../src/ports/state-store.js';

const NOW = 1_000_000;
const round = (vantage: string, at: number, ok: boolean): ObservationRecord => ({ app: 'shop', region: 'us-east-1', vantage, at, ok, probes: [] });
const options = { fall: 3, now: NOW, staleMs: 15_000 };

describe('vantage point votes', () => {
  it('a vantage point votes down when its last fall rounds all failed', () => {
    const rounds = [round('a', NOW - 15_000, true), round('a', NOW - 10_000, false), round('a', NOW - 5_000, false), round('a', NOW, false), round('b', NOW - 5_000, false), round('b', NOW, true)];
    const votes = votesFromObservations(rounds, () => true, options);
    expect(votes).toEqual([
      { vantage: 'a', down: true, fresh: true, cutOff: false },
      { vantage: 'b', down: false, fresh: true, cutOff: false },
    ]);
    expect(countQuorum(votes)).toEqual({ down: 1, counted: 2, vantages: ['a'] });
  });

  it('stale and cut-off vantage points do not count', () => {
    const rounds = [...[10_000, 5_000, 0].map((ago) => round('cut', NOW - ago, false)), ...[60_000, 55_000, 50_000].map((ago) => round('stale', NOW - ago, false)), ...[10_000, 5_000, 0].map((ago) => round('ok', NOW - ago, false))];
    const votes = votesFromObservations(rounds, (vantage) => vantage !== 'cut', options);
    expect(votes.find((v) => v.vantage === 'cut')).toMatchObject({ cutOff: true });
    expect(votes.find((v) => v.vantage === 'stale')).toMatchObject({ fresh: false });
    expect(countQuorum(votes)).toEqual({ down: 1, counted: 1, vantages: ['ok'] });
  });

  it('fewer rounds than the fall threshold is not a down vote', () => {
    const votes = votesFromObservations([round('a', NOW - 5_000, false), round('a', NOW, false)], () => true, options);
    expect(votes[0]!.down).toBe(false);
  });
});

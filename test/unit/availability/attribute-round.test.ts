import { describe, expect, it } from 'vitest';
import { attributeRound } from '../../../src/availability/attribute-round.js';
import type { LedgerRound } from '../../../src/availability/types.js';

const HOUR = 3_600_000;
/** 2026-11-24T12:00:00Z. */
const H = Date.UTC(2026, 10, 24, 12, 0, 0);
const options = { app: 'shop', vantage: 'us-east-1', intervalMs: 5_000 };

function round(at: number, outcome: LedgerRound['outcome'], activeRegion = 'us-east-1'): LedgerRound {
  return { at, activeRegion, outcome };
}

describe('booking a probe round', () => {
  it('gives the time since the previous round to this round\'s outcome, in its minute and hour', () => {
    expect(attributeRound(round(H + 10_000, 'up'), round(H + 15_000, 'down'), options)).toEqual([
      { app: 'shop', vantage: 'us-east-1', hourStart: H, upMs: 0, downMs: 5_000, unmeasuredMs: 0, minutes: [{ minute: 0, measuredMs: 5_000, downMs: 5_000 }] },
    ]);
    expect(attributeRound(round(H + 10_000, 'down'), round(H + 15_000, 'up'), options)[0]).toMatchObject({ upMs: 5_000, downMs: 0, minutes: [{ minute: 0, measuredMs: 5_000, downMs: 0 }] });
  });

  it('splits a round across a minute boundary, and across an hour boundary into two items', () => {
    expect(attributeRound(round(H + 58_000, 'up'), round(H + 63_000, 'down'), options)[0]!.minutes).toEqual([
      { minute: 0, measuredMs: 2_000, downMs: 2_000 },
      { minute: 1, measuredMs: 3_000, downMs: 3_000 },
    ]);
    const across = attributeRound(round(H - 2_000, 'up'), round(H + 3_000, 'up'), options);
    expect(across.map((b) => [b.hourStart, b.upMs, b.minutes])).toEqual([
      [H - HOUR, 2_000, [{ minute: 59, measuredMs: 2_000, downMs: 0 }]],
      [H, 3_000, [{ minute: 0, measuredMs: 3_000, downMs: 0 }]],
    ]);
  });

  it('lets a round speak for two intervals at most: the rest of a longer gap is unmeasured, not up', () => {
    const [b] = attributeRound(round(H + 60_000, 'up'), round(H + 120_000, 'up'), options);
    expect(b).toMatchObject({ upMs: 10_000, unmeasuredMs: 50_000, minutes: [{ minute: 1, measuredMs: 10_000, downMs: 0 }] });
    // Up to the cap, a late round covers the whole gap.
    expect(attributeRound(round(H, 'down'), round(H + 9_000, 'down'), options)[0]).toMatchObject({ downMs: 9_000, unmeasuredMs: 0 });
  });

  it('books a long gap as one unmeasured figure in the hour the round ends, not one item per hour', () => {
    const buckets = attributeRound(round(H - 3 * HOUR, 'up'), round(H + 30_000, 'up'), options);
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject({ hourStart: H, upMs: 10_000, unmeasuredMs: 3 * HOUR + 30_000 - 10_000 });
  });

  it('lets the first round with no predecessor speak for one interval', () => {
    expect(attributeRound(undefined, round(H + 30_000, 'up'), options)[0]).toMatchObject({ upMs: 5_000, minutes: [{ minute: 0, measuredMs: 5_000, downMs: 0 }] });
  });

  it('books nothing for a round that is not newer than the previous one', () => {
    expect(attributeRound(round(H + 5_000, 'up'), round(H + 5_000, 'down'), options)).toEqual([]);
    expect(attributeRound(round(H + 6_000, 'up'), round(H + 5_000, 'down'), options)).toEqual([]);
  });

  it('books a round whose vantage point was cut off as unmeasured', () => {
    expect(attributeRound(round(H, 'up'), round(H + 5_000, 'unmeasured'), options)).toEqual([
      { app: 'shop', vantage: 'us-east-1', hourStart: H, upMs: 0, downMs: 0, unmeasuredMs: 5_000, minutes: [] },
    ]);
  });

  it('gives the first round after the active region changed the previous outcome: DNS moved some time in between', () => {
    // The old region was failing; the round after the switch finds the new one answering.
    const [after] = attributeRound(round(H, 'down', 'us-east-1'), round(H + 5_000, 'up', 'eu-west-1'), options);
    expect(after).toMatchObject({ upMs: 0, downMs: 5_000 });
    // The round after that is the new region's own.
    expect(attributeRound(round(H + 5_000, 'up', 'eu-west-1'), round(H + 10_000, 'up', 'eu-west-1'), options)[0]).toMatchObject({ upMs: 5_000, downMs: 0 });
    // A planned switch between two healthy regions costs nothing.
    expect(attributeRound(round(H, 'up', 'eu-west-1'), round(H + 5_000, 'up', 'us-east-1'), options)[0]).toMatchObject({ upMs: 5_000, downMs: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { bucketRounds, historySpan } from '../../../src/controller/region-history.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;

describe('region history', () => {
  it('an hour is 60 minutes aligned to the clock, the last one holding now', () => {
    const span = historySpan('1h', T0 + 30 * MIN + 17_500);
    expect(span).toEqual({ from: T0 - 29 * MIN, bucketMs: MIN, count: 60 });
    expect(historySpan('15m', T0).bucketMs).toBe(15_000);
    expect(historySpan('6h', T0).bucketMs).toBe(6 * MIN);
  });

  it('counts rounds per minute into ok, failed, mixed and none; rounds outside the window are left out', () => {
    const now = T0 + 59 * MIN + 30_000;
    const span = historySpan('1h', now);
    const rounds = [
      { at: span.from - 1, ok: false }, // before the window
      { at: span.from, ok: true },
      { at: span.from + 59_999, ok: true },
      { at: span.from + MIN, ok: true },
      { at: span.from + MIN + 5_000, ok: false },
      { at: span.from + 2 * MIN + 1, ok: false },
      { at: now, ok: false },
      { at: span.from + 60 * MIN, ok: true }, // after the current minute
    ];
    const buckets = bucketRounds(rounds, span);
    expect(buckets).toHaveLength(60);
    expect(buckets.slice(0, 4)).toEqual([
      { start: span.from, ok: 2, failed: 0, state: 'ok' },
      { start: span.from + MIN, ok: 1, failed: 1, state: 'mixed' },
      { start: span.from + 2 * MIN, ok: 0, failed: 1, state: 'failed' },
      { start: span.from + 3 * MIN, ok: 0, failed: 0, state: 'none' },
    ]);
    expect(buckets[59]).toEqual({ start: T0 + 59 * MIN, ok: 0, failed: 1, state: 'failed' });
  });
});

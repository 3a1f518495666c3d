import { describe, expect, it } from 'vitest';
import { availabilityReport, availabilityWindow, combineVantages, errorBudget } from '../../../src/availability/calculator.js';
import type { LedgerBucket, LedgerMinute } from '../../../src/availability/types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-11-24T12:00:00Z, an hour boundary. */
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A vantage point's hour in which every minute was measured whole, `down` giving each minute's down ms. */
function hour(hourStart: number, vantage = 'us-east-1', down: (minute: number) => number = () => 0): LedgerBucket {
  const minutes: LedgerMinute[] = Array.from({ length: 60 }, (_, minute) => ({ minute, measuredMs: MIN, downMs: down(minute) }));
  const downMs = minutes.reduce((s, m) => s + m.downMs, 0);
  return { app: 'shop', vantage, hourStart, upMs: HOUR - downMs, downMs, unmeasuredMs: 0, minutes };
}

function window24h(buckets: LedgerBucket[], now = NOW, target = 99.95) {
  return availabilityWindow(combineVantages(buckets), '24h', DAY, now, target);
}

describe('error budget', () => {
  it('allows 21.6 minutes in 30 days at 99.95 %, and 43.2 seconds in 24 hours', () => {
    expect(errorBudget('30d', 30 * DAY, 0, 30 * DAY, 99.95)).toEqual({
      window: '30d',
      measuredMs: 30 * DAY,
      downMs: 0,
      availabilityPercent: 100,
      targetPercent: 99.95,
      allowedDownMs: 21.6 * MIN,
      budgetLeftMs: 21.6 * MIN,
      budgetLeftPercent: 100,
      met: true,
    });
    expect(errorBudget('24h', DAY, 0, DAY, 99.95).allowedDownMs).toBe(43_200);
    expect(errorBudget('30d', 0, 0, 30 * DAY, 99.9).allowedDownMs).toBe(43.2 * MIN);
    expect(errorBudget('30d', 0, 0, 30 * DAY, 99.99).allowedDownMs).toBe(259_200);
  });

  it('spends the budget with downtime and goes negative past it', () => {
    const half = errorBudget('30d', 30 * DAY, 10.8 * MIN, 30 * DAY, 99.95);
    expect(half).toMatchObject({ budgetLeftMs: 10.8 * MIN, budgetLeftPercent: 50, met: true, availabilityPercent: 99.975 });
    const exactly = errorBudget('30d', 30 * DAY, 21.6 * MIN, 30 * DAY, 99.95);
    expect(exactly).toMatchObject({ budgetLeftMs: 0, budgetLeftPercent: 0, met: true, availabilityPercent: 99.95 });
    const over = errorBudget('30d', 30 * DAY, 32.4 * MIN, 30 * DAY, 99.95);
    expect(over).toMatchObject({ budgetLeftMs: -10.8 * MIN, budgetLeftPercent: -50, met: false, availabilityPercent: 99.925 });
  });

  it('says null, not 100 %, when nothing was measured, and the budget is whole', () => {
    expect(errorBudget('24h', 0, 0, DAY, 99.95)).toMatchObject({ availabilityPercent: null, budgetLeftMs: 43_200, budgetLeftPercent: 100, met: true });
  });

  it('floors the percentage so that any downtime reads below 100 %', () => {
    // One second down in 30 days is 99.99996 %: shown as 99.9999, never rounded up to 100.
    expect(errorBudget('30d', 30 * DAY, 1_000, 30 * DAY, 99.95).availabilityPercent).toBe(99.9999);
  });

  it('measures availability against measured time and the budget against the whole window', () => {
    // One hour measured with a minute down: 98.33 % of what was seen, yet 20.6 of the month's 21.6 minutes left.
    const w = errorBudget('30d', HOUR, MIN, 30 * DAY, 99.95);
    expect(w.availabilityPercent).toBe(98.3333);
    expect(w.budgetLeftMs).toBe(20.6 * MIN);
    expect(w.met).toBe(true);
  });
});

describe('windows over the ledger', () => {
  it('adds up whole hours inside the window and leaves out those before it', () => {
    const buckets = [hour(NOW - 25 * HOUR, 'v', () => MIN), hour(NOW - 2 * HOUR, 'v', (m) => (m < 3 ? MIN : 0)), hour(NOW - HOUR, 'v')];
    const w = window24h(buckets);
    expect(w.measuredMs).toBe(2 * HOUR);
    expect(w.downMs).toBe(3 * MIN);
    expect(w.budgetLeftMs).toBe(43_200 - 3 * MIN);
    expect(w.met).toBe(false);
  });

  it('prorates the minute cut by the start of the window', () => {
    // The window starts 20 s into a minute that was down: 40 s of it (two thirds) are inside.
    const now = NOW + 20_000;
    const first = hour(NOW - DAY, 'v', (m) => (m === 0 ? MIN : 0));
    const w = window24h([first], now);
    expect(w.downMs).toBe(40_000);
    expect(w.measuredMs).toBe(HOUR - 20_000);
  });

  it('counts the minute that holds now whole, at most as long as it has lasted', () => {
    const now = NOW + 30_000;
    const current: LedgerBucket = { app: 'shop', vantage: 'v', hourStart: NOW, upMs: 0, downMs: 30_000, unmeasuredMs: 0, minutes: [{ minute: 0, measuredMs: 30_000, downMs: 30_000 }] };
    expect(window24h([current], now)).toMatchObject({ measuredMs: 30_000, downMs: 30_000 });
    // A vantage point whose clock runs ahead booked 45 s of a minute that has lasted 30 s here: cut to 30 s, down in proportion.
    const ahead: LedgerBucket = { ...current, minutes: [{ minute: 0, measuredMs: 45_000, downMs: 15_000 }, { minute: 1, measuredMs: 5_000, downMs: 5_000 }] };
    expect(window24h([ahead], now)).toMatchObject({ measuredMs: 30_000, downMs: 10_000 });
  });

  it('leaves gaps unmeasured: they neither count as up nor spend the budget', () => {
    // Only minutes 0-9 of one hour were measured, with minute 5 down.
    const sparse: LedgerBucket = { ...hour(NOW - 3 * HOUR, 'v', (m) => (m === 5 ? MIN : 0)) };
    sparse.minutes = sparse.minutes.filter((m) => m.minute < 10);
    const w = window24h([sparse]);
    expect(w).toMatchObject({ measuredMs: 10 * MIN, downMs: MIN, availabilityPercent: 90, budgetLeftMs: 43_200 - MIN });
  });

  it('counts a flapping region by the time each round spoke for', () => {
    // Rounds every 5 s alternating ok and failed: 30 s of every minute down.
    const flapping = hour(NOW - HOUR, 'v', () => 30_000);
    expect(window24h([flapping])).toMatchObject({ measuredMs: HOUR, downMs: 30 * MIN, availabilityPercent: 50 });
  });

  it('reports the 24 h window first, then 30 d, with the target', () => {
    const buckets = [hour(NOW - 10 * DAY, 'v', (m) => (m < 10 ? MIN : 0)), hour(NOW - HOUR, 'v', (m) => (m === 0 ? MIN : 0))];
    const report = availabilityReport(buckets, NOW, 99.95);
    expect(report.targetPercent).toBe(99.95);
    expect(report.windows.map((w) => [w.window, w.measuredMs, w.downMs, w.allowedDownMs, w.budgetLeftMs])).toEqual([
      ['24h', HOUR, MIN, 43_200, 43_200 - MIN],
      ['30d', 2 * HOUR, 11 * MIN, 21.6 * MIN, 10.6 * MIN],
    ]);
  });
});

describe('combining vantage points', () => {
  const at = NOW - HOUR;

  it('does not double-count an outage every vantage point saw', () => {
    const down = (m: number) => (m < 5 ? MIN : 0);
    const w = window24h([hour(at, 'us-east-1', down), hour(at, 'eu-west-1', down), hour(at, 'ap-south-1', down)]);
    expect(w).toMatchObject({ measuredMs: HOUR, downMs: 5 * MIN });
  });

  it('ignores one vantage point of three that alone saw the application down', () => {
    const w = window24h([hour(at, 'us-east-1', () => MIN), hour(at, 'eu-west-1'), hour(at, 'ap-south-1')]);
    expect(w.downMs).toBe(0);
  });

  it('counts a minute down when two of three saw it down (the median)', () => {
    const w = window24h([hour(at, 'us-east-1', (m) => (m === 0 ? MIN : 0)), hour(at, 'eu-west-1', (m) => (m === 0 ? 40_000 : 0)), hour(at, 'ap-south-1')]);
    expect(w.downMs).toBe(40_000);
  });

  it('needs both of two vantage points, and one alone when only one measured', () => {
    expect(window24h([hour(at, 'a', () => MIN), hour(at, 'b')]).downMs).toBe(0);
    expect(window24h([hour(at, 'a', () => 30_000), hour(at, 'b', () => 20_000)]).downMs).toBe(20 * 60 * 1000);
    // The other vantage point measured only the first half hour: the second half is the lone witness's.
    const halfB = hour(at, 'b');
    halfB.minutes = halfB.minutes.filter((m) => m.minute < 30);
    expect(window24h([hour(at, 'a', () => MIN), halfB]).downMs).toBe(30 * MIN);
  });

  it('never counts more down time than a majority each saw, when they measured different parts of a minute', () => {
    // One vantage point measured the whole minute, 10 s of it down; two others only those 10 s, down.
    const part = (vantage: string, measuredMs: number, downMs: number): LedgerBucket => ({ app: 'shop', vantage, hourStart: at, upMs: 0, downMs, unmeasuredMs: 0, minutes: [{ minute: 0, measuredMs, downMs }] });
    expect(combineVantages([part('a', MIN, 10_000), part('b', 10_000, 10_000), part('c', 10_000, 10_000)])).toEqual([{ start: at, measuredMs: MIN, downMs: 10_000 }]);
  });

  it('keeps a minute no longer than a minute when one vantage point booked it twice (overlapping writers)', () => {
    const twice: LedgerBucket = { app: 'shop', vantage: 'a', hourStart: at, upMs: 0, downMs: 0, unmeasuredMs: 0, minutes: [{ minute: 0, measuredMs: 2 * MIN, downMs: MIN }] };
    expect(combineVantages([twice])).toEqual([{ start: at, measuredMs: MIN, downMs: 30_000 }]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { AvailabilityLedger, REPORT_REUSE_MS, SETTLED_HOURS_CACHE_MS } from '../../../src/availability/ledger.js';
import type { LedgerRound } from '../../../src/availability/types.js';
import { ManualClock } from '../../support/manual-clock.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 24, 12, 0, 0);
const options = { app: 'shop', vantage: 'us-east-1', intervalMs: 5_000 };
const round = (at: number, outcome: LedgerRound['outcome']): LedgerRound => ({ at, activeRegion: 'us-east-1', outcome });

function setup() {
  const clock = new ManualClock(START);
  const store = new MemoryStateStore();
  const list = vi.spyOn(store, 'listAvailability');
  return { clock, store, list, ledger: new AvailabilityLedger({ store, clock }) };
}

describe('the availability ledger', () => {
  it('books rounds and reports them in both windows', async () => {
    const { clock, ledger } = setup();
    let previous: LedgerRound | undefined = round(START - 60_000, 'up');
    for (let at = START - 55_000; at <= START; at += 5_000) {
      const r = round(at, at > START - 20_000 ? 'down' : 'up');
      await ledger.record(previous, r, options);
      previous = r;
    }
    const report = await ledger.report('shop', 99.95);
    expect(report.targetPercent).toBe(99.95);
    expect(report.windows.map((w) => [w.window, w.measuredMs, w.downMs])).toEqual([
      ['24h', 60_000, 20_000],
      ['30d', 60_000, 20_000],
    ]);
    expect(report.windows[0]).toMatchObject({ allowedDownMs: 43_200, budgetLeftMs: 23_200, met: true });
    expect(clock.now()).toBe(START);
  });

  it('reads the settled hours once per few minutes and the recent hours on every report', async () => {
    const { clock, ledger, list } = setup();
    // Downtime ten days ago: in the settled, cached part.
    await ledger.record(round(START - 10 * 24 * HOUR - 5_000, 'up'), round(START - 10 * 24 * HOUR, 'down'), options);
    await ledger.report('shop', 99.95);
    await clock.advance(REPORT_REUSE_MS);
    await ledger.report('shop', 99.95);
    const ranges = () => list.mock.calls.map(([f]) => (f.toHour - f.fromHour) / HOUR + 1);
    // One 30-day read (hours -720 … -3) and two reads of the three recent hours.
    expect(ranges()).toEqual([718, 3, 3]);
    // New downtime in the recent hours shows at once.
    await clock.advance(5_000);
    await ledger.record(round(START, 'up'), round(START + 5_000, 'down'), options);
    expect((await ledger.report('shop', 99.95)).windows[1]!.downMs).toBe(10_000);
    expect(ranges()).toHaveLength(4);
    await clock.advance(SETTLED_HOURS_CACHE_MS);
    await ledger.report('shop', 99.95);
    expect(ranges().filter((n) => n > 3)).toHaveLength(2);
  });

  it('serves a report again for a second of clock time, unless a round of the app was booked since', async () => {
    const { clock, ledger, list } = setup();
    await ledger.record(round(START - 10_000, 'up'), round(START - 5_000, 'down'), options);
    const first = await ledger.report('shop', 99.95);
    expect(await ledger.report('shop', 99.95)).toBe(first);
    expect(list).toHaveBeenCalledTimes(2);
    // A different target is a different report.
    expect((await ledger.report('shop', 99.9)).targetPercent).toBe(99.9);
    await ledger.record(round(START - 5_000, 'down'), round(START, 'down'), options);
    expect((await ledger.report('shop', 99.9)).windows[0]!.downMs).toBe(10_000);
    await clock.advance(REPORT_REUSE_MS);
    const callsBefore = list.mock.calls.length;
    await ledger.report('shop', 99.9);
    expect(list.mock.calls.length).toBeGreaterThan(callsBefore);
  });

  it('does not keep a failed read of the settled hours', async () => {
    const { ledger, list } = setup();
    list.mockRejectedValueOnce(new Error('throttled'));
    await expect(ledger.report('shop', 99.95)).rejects.toThrow('throttled');
    expect((await ledger.report('shop', 99.95)).windows[1]!.measuredMs).toBe(0);
    expect(list.mock.calls.filter(([f]) => f.toHour - f.fromHour > 3 * HOUR)).toHaveLength(2);
  });

  it('adds concurrent writers\' increments instead of losing one, and counts an outage all vantage points saw once', async () => {
    const { ledger } = setup();
    const minute = START - 60_000;
    // Twelve rounds of one vantage point covering one minute, booked at the same time, the last two down.
    await Promise.all(Array.from({ length: 12 }, (_, i) => ledger.record(round(minute + i * 5_000, 'up'), round(minute + (i + 1) * 5_000, i >= 10 ? 'down' : 'up'), options)));
    // Two more vantage points saw the same 10 s down.
    await Promise.all(['eu-west-1', 'ap-south-1'].map((vantage) => ledger.record(round(START - 10_000, 'up'), round(START, 'down'), { ...options, vantage, intervalMs: 10_000 })));
    const [day] = (await ledger.report('shop', 99.95)).windows;
    expect(day).toMatchObject({ measuredMs: 60_000, downMs: 10_000 });
  });
});

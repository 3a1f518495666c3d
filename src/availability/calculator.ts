import { HOUR_MS, MINUTE_MS } from './attribute-round.js';
import type { AvailabilityReport, AvailabilityWindow, LedgerBucket } from './types.js';

/** The windows every report holds, shortest first. */
export const AVAILABILITY_WINDOWS: readonly { window: AvailabilityWindow['window']; lengthMs: number }[] = [
  { window: '24h', lengthMs: 24 * HOUR_MS },
  { window: '30d', lengthMs: 30 * 24 * HOUR_MS },
];

/** The ledger of every vantage point folded into one: measured and down ms per minute. */
export interface CombinedMinute {
  /** Start of the minute, epoch ms. */
  start: number;
  measuredMs: number;
  downMs: number;
}

/**
 * Fold the vantage points' ledgers into one, minute by minute. Pure.
 *
 * A moment counts as down when a strict majority of the vantage points that
 * measured it saw it down: one observer with a bad network link does not
 * spend the budget, and several controllers never double-count an outage.
 * The ledger keeps milliseconds per minute, not moments, so within a minute
 * the rule reads: with n vantage points that measured the minute, its down
 * time is the k-th largest of their down times, k = ⌊n/2⌋ + 1 (the one of
 * one, the smaller of two, the median of three); its measured time is the
 * largest any of them measured. Both are exact when the vantage points' down
 * (and measured) times nest, as they do when they watch the same outage; the
 * down time is never more than k of them saw each. Where they disagree
 * within a minute the error is at most that minute.
 *
 * A vantage point never measures more than the minute itself: when
 * overlapping writers of one vantage point booked more (two Lambda
 * invocations at once), its measured and down times are scaled down
 * together.
 */
export function combineVantages(buckets: readonly LedgerBucket[]): CombinedMinute[] {
  const byHour = new Map<number, LedgerBucket[]>();
  for (const b of buckets) byHour.set(b.hourStart, [...(byHour.get(b.hourStart) ?? []), b]);
  const combined: CombinedMinute[] = [];
  for (const hourStart of [...byHour.keys()].sort((a, b) => a - b)) {
    // Per minute of the hour: what each vantage point measured and saw down.
    const measured: number[][] = Array.from({ length: 60 }, () => []);
    const down: number[][] = Array.from({ length: 60 }, () => []);
    for (const b of byHour.get(hourStart)!) {
      for (const m of b.minutes) {
        if (m.measuredMs <= 0 || m.minute < 0 || m.minute >= 60) continue;
        const scale = Math.min(1, MINUTE_MS / m.measuredMs);
        measured[m.minute]!.push(m.measuredMs * scale);
        down[m.minute]!.push(Math.min(m.measuredMs, Math.max(0, m.downMs)) * scale);
      }
    }
    for (let minute = 0; minute < 60; minute++) {
      const seen = measured[minute]!;
      if (seen.length === 0) continue;
      const downs = down[minute]!;
      const k = Math.floor(seen.length / 2) + 1;
      const downMs = seen.length === 1 ? downs[0]! : downs.sort((a, b) => b - a)[k - 1]!;
      combined.push({ start: hourStart + minute * MINUTE_MS, measuredMs: Math.max(...seen), downMs });
    }
  }
  return combined;
}

/**
 * Availability over the `lengthMs` before `now`, against `targetPercent`. Pure.
 *
 * The window's edges cut minutes: the minute holding the window's start is
 * prorated by the share of it inside the window (its time is assumed spread
 * evenly over the minute). The minute holding `now` has only elapsed time in
 * it, so it counts whole, at most up to its elapsed length. Minutes after
 * `now` (a vantage point whose clock runs ahead) are left out.
 */
export function availabilityWindow(minutes: readonly CombinedMinute[], window: AvailabilityWindow['window'], lengthMs: number, now: number, targetPercent: number): AvailabilityWindow {
  const from = now - lengthMs;
  let measured = 0;
  let down = 0;
  for (const m of minutes) {
    const end = Math.min(m.start + MINUTE_MS, now);
    const span = end - m.start;
    const inside = end - Math.max(m.start, from);
    if (span <= 0 || inside <= 0) continue;
    const share = Math.min(m.measuredMs, span) / m.measuredMs;
    const part = inside / span;
    measured += m.measuredMs * share * part;
    down += m.downMs * share * part;
  }
  return errorBudget(window, Math.round(measured), Math.round(down), lengthMs, targetPercent);
}

/**
 * The figures of one window from its measured and down time. Pure.
 * The budget is a share of the whole window, measured or not: a partly
 * measured month still allows 21.6 minutes at 99.95 %. `met` means the
 * budget is not spent (down ≤ allowed); with nothing measured it holds.
 */
export function errorBudget(window: AvailabilityWindow['window'], measuredMs: number, downMs: number, lengthMs: number, targetPercent: number): AvailabilityWindow {
  // (100 − target) first: 1 − 0.9995 loses more precision than 100 − 99.95.
  const allowedDownMs = Math.round(((100 - targetPercent) * lengthMs) / 100);
  const budgetLeftMs = allowedDownMs - downMs;
  return {
    window,
    measuredMs,
    downMs,
    // Floored, never rounded up: a month with downtime must not read 100 %.
    availabilityPercent: measuredMs > 0 ? floorTo(((measuredMs - downMs) / measuredMs) * 100, 4) : null,
    targetPercent,
    allowedDownMs,
    budgetLeftMs,
    budgetLeftPercent: allowedDownMs > 0 ? floorTo((budgetLeftMs / allowedDownMs) * 100, 2) : budgetLeftMs >= 0 ? 100 : -100,
    met: budgetLeftMs >= 0,
  };
}

/** The 24 h and 30 d windows ending at `now`, from every vantage point's ledger. Pure. */
export function availabilityReport(buckets: readonly LedgerBucket[], now: number, targetPercent: number): AvailabilityReport {
  return reportFromMinutes(combineVantages(buckets), now, targetPercent);
}

/**
 * The 24 h and 30 d windows ending at `now`, from minutes already combined
 * (minutes of different hours combine independently, so parts of the ledger
 * can be combined apart and concatenated). Pure.
 */
export function reportFromMinutes(minutes: readonly CombinedMinute[], now: number, targetPercent: number): AvailabilityReport {
  return { targetPercent, windows: AVAILABILITY_WINDOWS.map((w) => availabilityWindow(minutes, w.window, w.lengthMs, now, targetPercent)) };
}

/** Floor to `decimals` places, forgiving the last bit of binary noise (99.95 computed as 99.94999999999999). */
function floorTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.floor(value * scale + 1e-6) / scale;
}

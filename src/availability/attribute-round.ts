import type { LedgerBucket, LedgerMinute, LedgerRound, RoundOutcome } from './types.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** How long a round may speak for, in probe intervals: a longer gap before it is unmeasured, not up. */
export const ROUND_CAP_INTERVALS = 2;

/** Who measured, and how often. */
export interface AttributionOptions {
  app: string;
  vantage: string;
  /** The application's probe interval. */
  intervalMs: number;
}

/**
 * The ledger increments for one probe round: the time since the previous
 * round of the same vantage point is attributed to this round's outcome,
 * split by hour (one ledger item per hour) and by minute (the resolution at
 * which vantage points are combined when reading). Pure.
 *
 * - A round speaks for at most {@link ROUND_CAP_INTERVALS} probe intervals
 *   before it; the rest of a longer gap (the controller was stopped, a
 *   Lambda invocation started late) is unmeasured.
 * - A round with no known predecessor (first start) speaks for one interval.
 * - The first round after the active region changed (a failover or failback
 *   ended between the two rounds) takes the previous round's outcome for
 *   the interval: until DNS moved, users were still sent to the old region,
 *   and all we know is that it moved somewhere in between. This errs on the
 *   side of counting downtime, by at most one interval.
 * - A round whose vantage point was cut off (nothing answered, witness
 *   included) is unmeasured: a blind observer says nothing about users.
 */
export function attributeRound(previous: LedgerRound | undefined, round: LedgerRound, options: AttributionOptions): LedgerBucket[] {
  const intervalMs = Math.max(1, Math.round(options.intervalMs));
  if (previous && round.at <= previous.at) return [];
  const gap = previous ? round.at - previous.at : intervalMs;
  const spoken = Math.min(gap, ROUND_CAP_INTERVALS * intervalMs);
  const outcome: RoundOutcome = previous && previous.activeRegion !== round.activeRegion ? previous.outcome : round.outcome;
  const buckets = new Map<number, LedgerBucket>();
  const bucket = (at: number): LedgerBucket => {
    const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS;
    let b = buckets.get(hourStart);
    if (!b) {
      b = { app: options.app, vantage: options.vantage, hourStart, upMs: 0, downMs: 0, unmeasuredMs: 0, minutes: [] };
      buckets.set(hourStart, b);
    }
    return b;
  };
  // Unmeasured time is diagnostic only (reports derive it from the window length), so a long gap is
  // booked as one figure in the hour the round ends rather than spread over every hour it spans.
  const unmeasured = gap - spoken + (outcome === 'unmeasured' ? spoken : 0);
  if (unmeasured > 0) bucket(round.at - 1).unmeasuredMs += unmeasured;
  if (outcome !== 'unmeasured') {
    // [start, end): the time the round speaks for, cut at every minute boundary.
    for (let from = round.at - spoken; from < round.at; ) {
      const to = Math.min(round.at, (Math.floor(from / MINUTE_MS) + 1) * MINUTE_MS);
      const b = bucket(from);
      const ms = to - from;
      const minute: LedgerMinute = { minute: Math.floor((from - b.hourStart) / MINUTE_MS), measuredMs: ms, downMs: outcome === 'down' ? ms : 0 };
      b.minutes.push(minute);
      if (outcome === 'down') b.downMs += ms;
      else b.upMs += ms;
      from = to;
    }
  }
  return [...buckets.values()].sort((a, b) => a.hourStart - b.hourStart);
}

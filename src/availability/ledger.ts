import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';
import { type AttributionOptions, attributeRound, HOUR_MS } from './attribute-round.js';
import { AVAILABILITY_WINDOWS, type CombinedMinute, combineVantages, reportFromMinutes } from './calculator.js';
import type { AvailabilityReport, LedgerRound } from './types.js';

/** How long the ledger's older hours are kept in memory before they are read again. */
export const SETTLED_HOURS_CACHE_MS = 5 * 60_000;
/** Hours this recent (and the current one) are read on every report: writers may still be adding to them. */
const RECENT_HOURS = 2;
const LONGEST_WINDOW_MS = Math.max(...AVAILABILITY_WINDOWS.map((w) => w.lengthMs));
/**
 * A report is served again for this long (clock time) unless this process
 * books a round of the app first: a status page polling every second, or a
 * burst of /status, then costs one fold of the recent hours, not one each.
 */
export const REPORT_REUSE_MS = 1_000;

interface Settled {
  key: string;
  readAt: number;
  /** Combined once: folding 30 days of three vantage points takes tens of milliseconds. */
  minutes: Promise<CombinedMinute[]>;
}

/**
 * The availability ledger of every application: written once per probe
 * round (one atomic add per hour item, normally one per round), read as at
 * most 30 days of hour items per vantage point. The hours that writers no
 * longer touch are cached for a few minutes of clock time, so that a
 * polled /status reads three items per vantage point instead of 720.
 */
export class AvailabilityLedger {
  private readonly settled = new Map<string, Settled>();
  private readonly reports = new Map<string, { at: number; targetPercent: number; report: Promise<AvailabilityReport> }>();

  constructor(private readonly deps: { store: StateStore; clock: Clock }) {}

  /** Book one round: the time since `previous` (this vantage point's round before) goes to the round's outcome. */
  async record(previous: LedgerRound | undefined, round: LedgerRound, options: AttributionOptions): Promise<void> {
    for (const increment of attributeRound(previous, round, options)) await this.deps.store.addAvailability(increment);
    this.reports.delete(options.app);
  }

  /** The 24 h and 30 d windows of `app` ending now, every vantage point combined. */
  report(app: string, targetPercent: number): Promise<AvailabilityReport> {
    const now = this.deps.clock.now();
    const reused = this.reports.get(app);
    if (reused && reused.targetPercent === targetPercent && now >= reused.at && now - reused.at < REPORT_REUSE_MS) return reused.report;
    const report = this.freshReport(app, targetPercent, now);
    this.reports.set(app, { at: now, targetPercent, report });
    report.catch(() => {
      if (this.reports.get(app)?.report === report) this.reports.delete(app);
    });
    return report;
  }

  private async freshReport(app: string, targetPercent: number, now: number): Promise<AvailabilityReport> {
    const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const recentFrom = currentHour - RECENT_HOURS * HOUR_MS;
    const [older, recent] = await Promise.all([
      this.settledHours(app, Math.floor((now - LONGEST_WINDOW_MS) / HOUR_MS) * HOUR_MS, recentFrom - HOUR_MS, now),
      this.deps.store.listAvailability({ app, fromHour: recentFrom, toHour: currentHour }),
    ]);
    return reportFromMinutes([...older, ...combineVantages(recent)], now, targetPercent);
  }

  private settledHours(app: string, fromHour: number, toHour: number, now: number): Promise<CombinedMinute[]> {
    const key = `${fromHour}-${toHour}`;
    const cached = this.settled.get(app);
    if (cached && cached.key === key && now - cached.readAt < SETTLED_HOURS_CACHE_MS) return cached.minutes;
    const minutes = this.deps.store.listAvailability({ app, fromHour, toHour }).then(combineVantages);
    this.settled.set(app, { key, readAt: now, minutes });
    // A failed read must not be served from the cache until it expires.
    minutes.catch(() => {
      if (this.settled.get(app)?.minutes === minutes) this.settled.delete(app);
    });
    return minutes;
  }
}

import type { Config } from '../config/types.js';
import type { StateStore } from '../ports/state-store.js';

/** How a slice of time went for a region: every round passed, every round failed, some of each, or no round at all. */
export type BucketState = 'ok' | 'failed' | 'mixed' | 'none';

/** One slice of a region's history. */
export interface HistoryBucket {
  /** Start of the slice (ms since epoch); it ends where the next one starts. */
  start: number;
  ok: number;
  failed: number;
  state: BucketState;
}

/** The windows the history can cover, each cut into HISTORY_BUCKETS slices. */
export const HISTORY_WINDOWS = { '15m': 15 * 60_000, '1h': 3600_000, '6h': 6 * 3600_000 } as const;

/** A window's name: 15 minutes, an hour (the status page's), six hours. */
export type HistoryWindow = keyof typeof HISTORY_WINDOWS;

/** Slices per window: an hour is cut into minutes. */
export const HISTORY_BUCKETS = 60;

/** The slices of a window ending at `now`: aligned to whole slices, the last one (the current) still filling. */
export interface HistorySpan {
  from: number;
  bucketMs: number;
  count: number;
}

/** The span of `window` that ends with the slice holding `now`. */
export function historySpan(window: HistoryWindow, now: number): HistorySpan {
  const bucketMs = HISTORY_WINDOWS[window] / HISTORY_BUCKETS;
  // Aligned to the slice size, so that a slice (say 12:04) means the same rounds on every poll.
  const current = Math.floor(now / bucketMs) * bucketMs;
  return { from: current - (HISTORY_BUCKETS - 1) * bucketMs, bucketMs, count: HISTORY_BUCKETS };
}

/**
 * Count rounds into the slices of `span`. Rounds outside it are ignored.
 * Pure: the same rounds and span always give the same slices.
 */
export function bucketRounds(rounds: readonly { at: number; ok: boolean }[], span: HistorySpan): HistoryBucket[] {
  const buckets: HistoryBucket[] = Array.from({ length: span.count }, (_, i) => ({ start: span.from + i * span.bucketMs, ok: 0, failed: 0, state: 'none' }));
  for (const round of rounds) {
    const index = Math.floor((round.at - span.from) / span.bucketMs);
    const bucket = buckets[index];
    if (!bucket) continue;
    if (round.ok) bucket.ok++;
    else bucket.failed++;
  }
  for (const b of buckets) b.state = b.ok + b.failed === 0 ? 'none' : b.failed === 0 ? 'ok' : b.ok === 0 ? 'failed' : 'mixed';
  return buckets;
}

/** One application's regions over a window, as GET /status/history and the status page show them. */
export interface AppHistory {
  app: string;
  regions: { region: string; buckets: HistoryBucket[] }[];
}

/** The answer of GET /status/history. */
export interface HistoryReport {
  window: HistoryWindow;
  bucketSeconds: number;
  from: number;
  to: number;
  applications: AppHistory[];
}

/**
 * Every region's probe rounds over `window`, from every vantage point (a
 * witness's or another stack's view counts as much as this one's), in slices.
 * `apps` limits it to those applications (all by default).
 */
export async function loadRegionHistory(store: StateStore, config: Config, options: { window: HistoryWindow; now: number; apps?: readonly string[] }): Promise<HistoryReport> {
  const span = historySpan(options.window, options.now);
  const apps = config.applications.filter((a) => !options.apps || options.apps.includes(a.name));
  const applications = await Promise.all(
    apps.map(async (app) => ({
      app: app.name,
      regions: await Promise.all(
        app.regions.map(async (r) => ({ region: r.name, buckets: bucketRounds(await store.listObservations({ app: app.name, region: r.name, since: span.from }), span) })),
      ),
    })),
  );
  return { window: options.window, bucketSeconds: span.bucketMs / 1000, from: span.from, to: span.from + span.count * span.bucketMs, applications };
}

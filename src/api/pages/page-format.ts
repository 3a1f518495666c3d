/**
 * How pages write times, durations and percentages. Times are UTC with a
 * `Z`, like the controller's log and its region sentences, so that an
 * operator can line the page up with the log. assets/status-js.ts writes
 * them the same way when it updates the page.
 */

/** "12:00:05Z" */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)}Z`;
}

/** "2026-11-24 12:00:05Z" */
export function dateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** "850 ms", "4.2 s", "3 min 05 s", "2 h 07 min" */
export function duration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * "99.9821 %", or "n/a" when nothing was measured. Availability needs four
 * decimals: rounded to fewer, 99.99996 would read as a flawless 100.
 */
export function percent(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(decimals)} %`;
}

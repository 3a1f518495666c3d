import type { Clock } from '../ports/clock.js';

/**
 * `work`'s result, or an Error when it fails or gives no answer within
 * `deadlineMs` of clock time. Never throws: a read for readiness or drift
 * that cannot be made is itself a finding, and a region that hangs (the
 * one that is lost) must not hold up the others.
 */
export async function bounded<T>(clock: Clock, deadlineMs: number, what: string, work: () => Promise<T>): Promise<T | Error> {
  const timer = new AbortController();
  const deadline = clock.sleep(deadlineMs, timer.signal).then(
    () => new Error(`${what}: no answer within ${deadlineMs / 1000} s`),
    // Cancelled because the work ended first.
    () => undefined as never,
  );
  try {
    return await Promise.race([work().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))), deadline]);
  } finally {
    timer.abort();
  }
}

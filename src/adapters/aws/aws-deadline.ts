import { TransientError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';

/**
 * Run one call to a region that may be gone, for at most `ms` of clock
 * time: the design allows nothing on the failover path to wait on the
 * region being left except best-effort, bounded calls. The call gets an
 * AbortSignal (the SDK's `send(command, { abortSignal })` takes it) that
 * fires at the deadline, and the deadline itself rejects with a
 * TransientError, so a hung connection cannot hold the caller.
 */
export async function withDeadline<T>(clock: Clock, ms: number, operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const timer = new AbortController();
  const deadline = clock.sleep(ms, timer.signal).then(
    () => {
      abort.abort();
      throw new TransientError(`${operation}: no answer within ${Math.round(ms / 1000)} s`);
    },
    // Cancelled because the call ended first.
    () => undefined as never,
  );
  try {
    return await Promise.race([fn(abort.signal), deadline]);
  } finally {
    timer.abort();
  }
}

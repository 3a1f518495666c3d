import type { Clock } from '../ports/clock.js';
import { isTransient } from '../errors/errors.js';

/** How transient errors are retried. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Default: 6 attempts, 200 ms doubling up to 5 s, full jitter. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 5_000 };

/**
 * Call `fn` until it succeeds, retrying transient errors only, with
 * exponential backoff and full jitter (AWS's recommended scheme: sleep a
 * random time between 0 and min(max, base * 2^attempt)).
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: { policy: RetryPolicy; clock: Clock; random: () => number; signal?: AbortSignal; onRetry?: (err: unknown, attempt: number) => void },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= options.policy.attempts) throw err;
      options.onRetry?.(err, attempt);
      const cap = Math.min(options.policy.maxMs, options.policy.baseMs * 2 ** (attempt - 1));
      await options.clock.sleep(Math.floor(options.random() * cap), options.signal);
    }
  }
}

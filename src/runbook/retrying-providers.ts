import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import { type RetryPolicy, withRetry } from './retry.js';

/** Per-call retries: a short burst, like the AWS SDK's standard retry mode (3 attempts). */
export const CALL_RETRY: RetryPolicy = { attempts: 4, baseMs: 100, maxMs: 2_000 };

/**
 * Wrap every provider method so that a transient error (throttling, 5xx)
 * is retried on the spot, call by call. Without it, a step that makes
 * several calls would have to succeed at all of them in one go; the engine's
 * own retry of the whole act then only handles longer trouble.
 */
export function retryingProviders(cloud: CloudProviders, options: { clock: Clock; random: () => number; policy?: RetryPolicy }): CloudProviders {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          withRetry(() => (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args), { policy: options.policy ?? CALL_RETRY, clock: options.clock, random: options.random });
      },
    });
  return { dns: wrap(cloud.dns), database: wrap(cloud.database), compute: wrap(cloud.compute) };
}

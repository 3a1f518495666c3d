import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import { type RetryPolicy, withRetry } from './retry.js';

/** Per-call retries: a short burst, like the AWS SDK's standard retry mode (3 attempts). */
export const CALL_RETRY: RetryPolicy = { attempts: 4, baseMs: 100, maxMs: 2_000 };

/** Reads are safe to repeat; anything else may have landed even when its answer was lost. */
const READ_METHOD = /^(describe|list|get|replicaLag)/;

/**
 * Wrap the providers' read methods so that a transient error (throttling,
 * 5xx) is retried on the spot, call by call. Without it, a step that makes
 * several reads would have to succeed at all of them in one go. Mutating
 * calls are never repeated blindly here: a promotion whose answer was lost
 * may have happened, so the engine looks at the world again before acting.
 */
export function retryingProviders(cloud: CloudProviders, options: { clock: Clock; random: () => number; policy?: RetryPolicy }): CloudProviders {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver) as unknown;
        if (typeof value !== 'function' || typeof key !== 'string' || !READ_METHOD.test(key)) return typeof value === 'function' ? value.bind(obj) : value;
        return (...args: unknown[]) =>
          withRetry(() => (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args), { policy: options.policy ?? CALL_RETRY, clock: options.clock, random: options.random });
      },
    });
  // The data-plane switch's calls are not wrapped: DNS queries never throw, votes and routing controls have their own fallbacks.
  const { ecs, functions, automation, cache } = cloud;
  return {
    dns: wrap(cloud.dns),
    database: wrap(cloud.database),
    compute: wrap(cloud.compute),
    fence: wrap(cloud.fence),
    traffic: cloud.traffic,
    // The step library's services (user runbooks): an invocation is not a read, and is never repeated here.
    ...(ecs ? { ecs: wrap(ecs) } : {}),
    ...(functions ? { functions } : {}),
    ...(automation ? { automation: wrap(automation) } : {}),
    ...(cache ? { cache: wrap(cache) } : {}),
  };
}

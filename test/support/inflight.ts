import type { CloudProviders } from '../../src/ports/providers.js';

/**
 * Wrap cloud providers so a test knows how many calls are in flight. A
 * ManualClock must not move time while real I/O (SDK requests answered by
 * nock) is still on its way, or waits would depend on the machine's speed.
 */
export function countInflight<T extends CloudProviders>(cloud: T): { cloud: T; inflight: () => number } {
  let count = 0;
  const wrap = <O extends object>(target: O): O =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          count++;
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          } finally {
            count--;
          }
        };
      },
    });
  return { cloud: { ...cloud, dns: wrap(cloud.dns), database: wrap(cloud.database), compute: wrap(cloud.compute), fence: wrap(cloud.fence) }, inflight: () => count };
}

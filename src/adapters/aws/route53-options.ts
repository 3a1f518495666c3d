import type { Config } from '../../config/types.js';
import type { Clock } from '../../ports/clock.js';
import { partitionOfRegions } from './partition.js';
import type { Route53DnsOptions } from './route53-dns.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The Route 53 adapter's options for a configuration: the partition its
 * regions are in (Route 53's endpoint differs per partition) and this
 * process's share of the account's request rate (`route53.requestsPerSecond`).
 */
export function route53Options(config: Config, clock: Clock): Route53DnsOptions {
  const regions = config.applications.flatMap((app) => app.regions.map((r) => r.name));
  const requestsPerSecond = config.route53.requestsPerSecond;
  // One limiter for every Route 53 adapter built from these options: the share is the process's, not each adapter's.
  return { clock, partition: partitionOfRegions(regions), requestsPerSecond, limiter: RateLimiter.perSecond(clock, requestsPerSecond) };
}

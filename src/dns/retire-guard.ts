import type { RegionConfig } from '../config/types.js';
import { PermanentError } from '../errors/errors.js';
import type { DnsRecordSet } from '../ports/dns-provider.js';
import { activeRegionOf, describeRecord } from './desired-records.js';
import { choosesByHealth } from './self-routing.js';
import { recordTargets } from './targets.js';

/** The record types that send clients somewhere: what the guard reads. */
const ROUTING_TYPES = new Set(['A', 'AAAA', 'CNAME']);

/**
 * Whether it is safe, as far as DNS tells, to set a region's database aside
 * as a stale writer: only when the application's records positively send
 * traffic to another configured region. Fails closed: a record this
 * controller cannot attribute (a target the config does not name, records
 * missing, a routing mix-up) is no evidence that the region is out of DNS.
 * Returns the region DNS names, or why not.
 *
 * - the records of the config's type must name one region, another one
 *   (activeRegionOf; alias targets compare as Route 53 resolves them, so a
 *   console-made `dualstack.` alias counts for its load balancer's region);
 * - no record of the group may let Route 53 choose by health (a health
 *   check or evaluate target health on weighted or failover records):
 *   Route 53 could then answer with this region's record at any moment;
 * - no record of another type (an AAAA alias beside the configured A) may
 *   still point at this region: its clients would still reach it.
 */
export function retireVerdict(regions: RegionConfig[], region: string, read: DnsRecordSet[]): { safe: true; live: string } | { safe: false; reason: string } {
  const own = regions.find((r) => r.name === region);
  if (!own) return { safe: false, reason: `${region} is not a region of the application` };
  const routing = read.filter((r) => ROUTING_TYPES.has(r.type));
  const shown = routing.length ? routing.map((r) => `${r.type} ${describeRecord(r)}`).join('; ') : `no A, AAAA or CNAME record at ${own.dns.recordName}`;
  const live = activeRegionOf(regions, read);
  if (live === undefined) return { safe: false, reason: `DNS does not positively name a configured region (${shown})` };
  if (live === region) return { safe: false, reason: `DNS sends the application's traffic to ${region} (${shown})` };
  const group = read.filter((r) => r.type === own.dns.type);
  if (choosesByHealth(group)) {
    return { safe: false, reason: `Route 53 chooses between the records by health (a health check or evaluate target health), so it may answer with ${region} on its own (${shown})` };
  }
  const stray = routing.find((r) => r.type !== own.dns.type && recordTargets(r, own.dns));
  if (stray) return { safe: false, reason: `a ${stray.type} record still points at ${region} (${describeRecord(stray)})` };
  return { safe: true, live };
}

/**
 * The retire step's guard: throws a PermanentError naming the database and
 * what DNS shows unless DNS positively sends traffic to another region.
 */
export function refuseRetireUnlessDnsElsewhere(regions: RegionConfig[], region: string, database: string, read: DnsRecordSet[]): void {
  const verdict = retireVerdict(regions, region, read);
  if (!verdict.safe) {
    throw new PermanentError(`refusing to set aside ${database}: ${verdict.reason}; it is set aside only while DNS sends traffic to another region`);
  }
}

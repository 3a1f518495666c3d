import type { RegionDns } from '../config/types.js';
import type { DnsRecordSet } from '../ports/dns-provider.js';

/** A setting of a region's record that would let Route 53 move traffic between regions on its own. */
export interface SelfRoutingProblem {
  /** The field of `regions[].dns` to remove, in the config's path form. */
  field: 'healthCheckId' | 'alias.evaluateTargetHealth';
  message: string;
}

const WHY =
  'with weighted or failover routing Route 53 then chooses between the regions on its own by health: once the old primary recovers after a failover it sends users back to it, ' +
  'whose database is a stale writer, before anyone has checked its role; the controller moves traffic only after the database step (remove it)';

/**
 * Why a region's DNS config would let Route 53 return traffic to a region
 * by itself. With weighted or failover routing, Route 53 answers with
 * another record of the group when the chosen one is unhealthy, and
 * considers even weight-0 records "if all the records that have a weight
 * greater than 0 are unhealthy"; a record without a health check (and,
 * for an alias, without Evaluate target health) "is always healthy"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html).
 * So the records this controller writes carry neither, and only the record
 * it made active is ever answered: a region comes back into DNS through a
 * failback run, after its database was rebuilt as a replica and promoted.
 * Simple routing has one record and nothing to choose from.
 */
export function selfRoutingProblems(dns: RegionDns): SelfRoutingProblem[] {
  if (dns.routing === 'simple') return [];
  const problems: SelfRoutingProblem[] = [];
  if (dns.healthCheckId !== undefined) problems.push({ field: 'healthCheckId', message: `a health check on a ${dns.routing} record: ${WHY}` });
  if (dns.alias?.evaluateTargetHealth) problems.push({ field: 'alias.evaluateTargetHealth', message: `evaluateTargetHealth on a ${dns.routing} alias: ${WHY}` });
  return problems;
}

/**
 * Whether record sets that were read let Route 53 pick among them by
 * health: a group (weighted or failover: they carry a set identifier) in
 * which any record has a health check or an alias that evaluates its
 * target's health. Then DNS does not name one region for sure, whatever
 * the weights or failover roles say.
 */
export function choosesByHealth(records: DnsRecordSet[]): boolean {
  return records.some((r) => r.setIdentifier !== undefined && (r.healthCheckId !== undefined || r.alias?.evaluateTargetHealth === true));
}

import type { DnsRecordSet } from '../../ports/dns-provider.js';

/** One record of a DNS answer, as the authoritative server sends it. */
export interface AnsweredRecord {
  type: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  values: string[];
}

/**
 * Route 53's answer rules for one name and type, over the record sets with
 * that name (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html):
 * - a record without a health check is always healthy;
 * - failover: the primary while it is healthy, else the secondary while it
 *   is; when both are unhealthy, the primary;
 * - weighted: by weight among the healthy records of weight above 0 (then
 *   the healthy ones of weight 0); when all are unhealthy, as if all were healthy;
 * - a CNAME answers a query of any type.
 * An alias is answered as a CNAME to its target: the simulated world has no
 * addresses for load balancers, and clients compare the target's name.
 */
export function answerRecords(
  records: DnsRecordSet[],
  qtype: string,
  healthy: (healthCheckId: string) => boolean,
  random: () => number,
): AnsweredRecord[] {
  let candidates = records.filter((r) => r.type === qtype);
  if (candidates.length === 0) candidates = records.filter((r) => r.type === 'CNAME');
  if (candidates.length === 0) return [];
  const isHealthy = (r: DnsRecordSet) => r.healthCheckId === undefined || healthy(r.healthCheckId);
  const grouped = candidates.filter((r) => r.setIdentifier !== undefined);
  if (grouped.length === 0) return [toAnswer(candidates[0]!)];
  const primary = grouped.find((r) => r.failover === 'PRIMARY');
  if (primary || grouped.some((r) => r.failover === 'SECONDARY')) {
    const secondary = grouped.find((r) => r.failover === 'SECONDARY');
    const chosen = primary && isHealthy(primary) ? primary : secondary && isHealthy(secondary) ? secondary : (primary ?? secondary);
    return chosen ? [toAnswer(chosen)] : [];
  }
  const up = grouped.filter(isHealthy);
  const pool = up.some((r) => (r.weight ?? 0) > 0) ? up.filter((r) => (r.weight ?? 0) > 0) : up.length > 0 ? up : grouped;
  return [toAnswer(pickByWeight(pool, random))];
}

function pickByWeight(pool: DnsRecordSet[], random: () => number): DnsRecordSet {
  const total = pool.reduce((sum, r) => sum + (r.weight ?? 0), 0);
  if (total === 0) return pool[Math.floor(random() * pool.length)] ?? pool[0]!;
  let at = random() * total;
  for (const record of pool) {
    at -= record.weight ?? 0;
    if (at < 0) return record;
  }
  return pool.at(-1)!;
}

function toAnswer(record: DnsRecordSet): AnsweredRecord {
  if (record.alias) return { type: 'CNAME', ttl: 60, values: [record.alias.dnsName] };
  return { type: record.type as AnsweredRecord['type'], ttl: record.ttl ?? 60, values: [...record.values] };
}

import type { RegionConfig, RegionDns } from '../config/types.js';
import { PermanentError } from '../errors/errors.js';
import type { DnsRecordSet } from '../ports/dns-provider.js';
import { selfRoutingProblems } from './self-routing.js';
import { recordTargets } from './targets.js';

/** A region's own record set, with the weight or failover role it has when `active` (or not). */
function regionRecord(dns: RegionDns, active: boolean): DnsRecordSet {
  const record: DnsRecordSet = { name: dns.recordName, type: dns.type, values: [] };
  if (dns.alias) record.alias = { ...dns.alias };
  else {
    record.ttl = dns.ttl;
    record.values = [dns.value!];
  }
  if (dns.routing !== 'simple') record.setIdentifier = dns.setIdentifier!;
  if (dns.routing === 'weighted') record.weight = active ? 100 : 0;
  if (dns.routing === 'failover') record.failover = active ? 'PRIMARY' : 'SECONDARY';
  if (dns.healthCheckId !== undefined) record.healthCheckId = dns.healthCheckId;
  return record;
}

/**
 * The record sets that send traffic to `active`, given every region's DNS
 * config. Simple routing: one record with the active region's target.
 * Weighted: every region's record, 100 on the active one and 0 elsewhere.
 * Failover routing: the active region's record PRIMARY, the others SECONDARY.
 * Never records by which Route 53 could move traffic between regions on its
 * own (health checks, evaluate target health: see self-routing.ts): the
 * config's checks refuse them, and so does this, for configs built in code.
 */
export function desiredRecords(regions: RegionConfig[], active: string): DnsRecordSet[] {
  const target = regions.find((r) => r.name === active);
  if (!target) throw new Error(`no region ${active}`);
  for (const region of regions) {
    const [problem] = selfRoutingProblems(region.dns);
    if (problem) throw new PermanentError(`${region.name} dns.${problem.field}: ${problem.message}`);
  }
  if (target.dns.routing === 'simple') return [regionRecord(target.dns, true)];
  return regions.map((r) => regionRecord(r.dns, r.name === active));
}

/**
 * Which region the records that were read send traffic to, if any. Targets
 * compare as Route 53 resolves them (recordTargets): a console-made alias
 * to `dualstack.<load balancer>` names the same region as a config that
 * says `<load balancer>`.
 */
export function activeRegionOf(regions: RegionConfig[], read: DnsRecordSet[]): string | undefined {
  const first = regions[0]?.dns;
  if (!first) return undefined;
  const ofType = read.filter((r) => r.type === first.type);
  for (const region of regions) {
    const record = ofType.find((r) => (first.routing === 'simple' ? r.setIdentifier === undefined : r.setIdentifier === region.dns.setIdentifier));
    if (!record || !recordTargets(record, region.dns)) continue;
    if (first.routing === 'simple') return region.name;
    if (first.routing === 'weighted' && (record.weight ?? 0) > 0 && ofType.every((o) => o === record || (o.weight ?? 0) === 0)) return region.name;
    if (first.routing === 'failover' && record.failover === 'PRIMARY') return region.name;
  }
  return undefined;
}

/** `shop-euw1.example.com` or `alias dualstack.alb-1.eu-west-1.elb.amazonaws.com.` (+ weight/role). */
export function describeRecord(record: DnsRecordSet): string {
  const target = record.alias ? `alias ${record.alias.dnsName}` : record.values.join(', ');
  const extra = record.weight !== undefined ? ` (weight ${record.weight})` : record.failover ? ` (${record.failover})` : '';
  return `${target}${extra}`;
}

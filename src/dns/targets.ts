import type { RegionDns } from '../config/types.js';
import type { DnsRecordSet } from '../ports/dns-provider.js';

/**
 * A DNS name as Route 53 compares it: "Amazon Route 53 stores alphabetic
 * characters as lowercase letters (a-z), regardless of how you specify them"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html),
 * and "Route 53 treats www.example.com (without a trailing dot) and
 * www.example.com. (with a trailing dot) as identical"
 * (ResourceRecordSet.Name, https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
 */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** An Elastic Load Balancing hostname: `<name>-<id>.<region>.elb.amazonaws.com`, `.com.cn` in China. */
const ELB_NAME = /\.elb\.amazonaws\.com(\.cn)?\.$/;

/**
 * What an alias target names, for telling whether two aliases route to the
 * same resource: the canonical name, and for a load balancer without the
 * `dualstack.` prefix. The prefix names the same load balancer's dual-stack
 * (A and AAAA) answers, and which form a live record carries depends on who
 * made it: "The console prepends dualstack. to the DNS name of the
 * Application and Classic Load Balancer from the same AWS account only"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html),
 * and for a Classic Load Balancer "get the value that begins with dualstack"
 * (AliasTarget.DNSName, https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html),
 * while the ELB API's DNSName, which configs are written from, has none.
 * Route 53 stores the name as given: a DELETE still names the record exactly
 * as it was read (see planRecordSwitch), this key only says where it points.
 */
export function aliasTargetKey(dnsName: string): string {
  const name = canonicalName(dnsName);
  return name.startsWith('dualstack.') && ELB_NAME.test(name) ? name.slice('dualstack.'.length) : name;
}

/** Whether two alias DNS names route to the same resource (case, trailing dot and an ELB's `dualstack.` aside). */
export function sameAliasTarget(a: string, b: string): boolean {
  return aliasTargetKey(a) === aliasTargetKey(b);
}

/** A record value in comparable form: a CNAME target as a canonical name, an address in lower case (IPv6 hex digits). */
function valueKey(type: string, value: string): string {
  return type === 'CNAME' ? canonicalName(value) : value.toLowerCase();
}

/**
 * Whether a record set sends traffic to the target a region's DNS config
 * names: its alias target, or its value among the record's values, compared
 * as Route 53 resolves them rather than character for character.
 */
export function recordTargets(record: DnsRecordSet, dns: RegionDns): boolean {
  if (dns.alias) return record.alias !== undefined && sameAliasTarget(record.alias.dnsName, dns.alias.dnsName);
  if (dns.value === undefined || record.alias) return false;
  const wanted = valueKey(record.type, dns.value);
  return record.values.some((v) => valueKey(record.type, v) === wanted);
}

import { PermanentError } from '../errors/errors.js';
import type { DnsChange, DnsRecordSet } from '../ports/dns-provider.js';
import { aliasTargetKey, canonicalName, sameAliasTarget } from './targets.js';

/** Prefix of the TXT record that marks a name as owned by this controller (external-dns style). */
export const OWNER_PREFIX = '_failover-owner.';

/** The name of the ownership record of `recordName`. */
export function ownerRecordName(recordName: string): string {
  return `${OWNER_PREFIX}${recordName}`;
}

/** The TXT value that says `app` owns a record; TXT values travel quoted. */
export function ownerValue(app: string): string {
  return `"heritage=failover-controller,owner=${app}"`;
}

/** True when the ownership records say that `app` owns the name. */
export function ownsRecord(ownerRecords: DnsRecordSet[], app: string): boolean {
  return ownerRecords.some((r) => r.type === 'TXT' && r.values.includes(ownerValue(app)));
}

/** The change that moves the records from what was read to what is desired. */
export interface RecordSwitchPlan {
  /** The record sets that will change, as read. */
  current: DnsRecordSet[];
  desired: DnsRecordSet[];
  /** Empty when every record is already as desired. */
  changes: DnsChange[];
}

/**
 * Diff the record sets read under a name against the desired ones. Each
 * record that differs is DELETEd exactly as it was read and CREATEd anew,
 * all in one batch, so that if anybody changed a record since it was read,
 * the batch fails as a whole instead of silently overwriting their change.
 * Record sets of the same type that the config does not describe (another
 * routing policy, an unknown set identifier) are refused: they are not ours.
 */
export function planRecordSwitch(read: DnsRecordSet[], desired: DnsRecordSet[]): RecordSwitchPlan {
  const first = desired[0];
  if (!first) return { current: [], desired, changes: [] };
  const sameType = read.filter((r) => r.type === first.type);
  const foreign = sameType.filter((r) => !desired.some((d) => sameKey(r, d)));
  if (foreign.length > 0) {
    const what = foreign.map((r) => (r.setIdentifier !== undefined ? `set "${r.setIdentifier}"` : 'a simple record')).join(', ');
    throw new PermanentError(`${first.name} ${first.type} has ${what} that the config does not describe (routing mismatch?): refusing to switch`);
  }
  const current: DnsRecordSet[] = [];
  const deletes: DnsChange[] = [];
  const creates: DnsChange[] = [];
  for (const want of desired) {
    const have = sameType.find((r) => sameKey(r, want));
    if (have && sameRecord(have, want)) continue;
    if (have) {
      current.push(have);
      deletes.push({ action: 'DELETE', record: have });
    }
    creates.push({ action: 'CREATE', record: keepAliasForm(have, want) });
  }
  // Deletes first: for weighted records the batch must never hold two versions of a set at once.
  return { current, desired, changes: [...deletes, ...creates] };
}

/** Route 53 identifies a record set by name, type and set identifier. */
export function sameKey(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier;
}

/**
 * Whether a record set already is as desired: every field Route 53 keeps
 * (TTL, values in any order, alias, weight, failover role, health check),
 * with alias targets compared as the resource they route to (case,
 * trailing dot and an ELB's `dualstack.` prefix aside: see aliasTargetKey),
 * so a console-made `dualstack.` alias to the right load balancer is not
 * torn down and rebuilt on every switch.
 */
export function sameRecord(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return sameFields(a, b, (r) => (r.alias ? `${aliasTargetKey(r.alias.dnsName)}|${r.alias.hostedZoneId}|${r.alias.evaluateTargetHealth}` : ''));
}

/**
 * Whether a DELETE naming `b` matches the stored record set `a`, as Route 53
 * decides it: every field equal, names in Route 53's stored form (lower case,
 * trailing dot; see canonicalName), and the alias DNS name as stored, a
 * `dualstack.` prefix included (Route 53 keeps the name it was given). What
 * the simulated Route 53 applies; the planner DELETEs what it read, verbatim.
 */
export function sameStoredRecord(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return sameFields(a, b, (r) => (r.alias ? `${canonicalName(r.alias.dnsName)}|${r.alias.hostedZoneId}|${r.alias.evaluateTargetHealth}` : ''));
}

function sameFields(a: DnsRecordSet, b: DnsRecordSet, alias: (r: DnsRecordSet) => string): boolean {
  const values = (r: DnsRecordSet) => [...r.values].sort().join('\n');
  return (
    sameKey(a, b) &&
    a.ttl === b.ttl &&
    values(a) === values(b) &&
    alias(a) === alias(b) &&
    a.weight === b.weight &&
    a.failover === b.failover &&
    a.healthCheckId === b.healthCheckId
  );
}

/**
 * The record to CREATE in place of `have`: `want`, but with the alias DNS
 * name in the form the live record had when it routes to the same resource
 * (a `dualstack.` prefix the console added stays: a switch changes where an
 * alias points, never how the load balancer answers it).
 */
function keepAliasForm(have: DnsRecordSet | undefined, want: DnsRecordSet): DnsRecordSet {
  if (!have?.alias || !want.alias || !sameAliasTarget(have.alias.dnsName, want.alias.dnsName)) return want;
  return { ...want, alias: { ...want.alias, dnsName: have.alias.dnsName } };
}

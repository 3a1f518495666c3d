import { PermanentError } from '../errors/errors.js';
import type { DnsChange, DnsRecordSet } from '../ports/dns-provider.js';

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

/** The change that moves a record from what was read to what is desired. */
export interface RecordSwitchPlan {
  current?: DnsRecordSet;
  desired: DnsRecordSet;
  /** Empty when the record is already as desired. */
  changes: DnsChange[];
}

/**
 * Diff the record sets read under a name against the desired one. The change
 * DELETEs the exact record that was read and CREATEs the new one in one
 * batch, so that if anybody changed the record since it was read, the batch
 * fails as a whole instead of silently overwriting their change.
 */
export function planRecordSwitch(read: DnsRecordSet[], desired: DnsRecordSet): RecordSwitchPlan {
  const sameType = read.filter((r) => r.type === desired.type);
  if (sameType.length > 1 || sameType.some((r) => r.setIdentifier !== undefined)) {
    throw new PermanentError(`${desired.name} ${desired.type} has ${sameType.length} record sets (weighted or failover routing): only a simple record can be switched`);
  }
  const current = sameType[0];
  if (current && sameRecord(current, desired)) return { current, desired, changes: [] };
  const changes: DnsChange[] = current ? [{ action: 'DELETE', record: current }, { action: 'CREATE', record: desired }] : [{ action: 'CREATE', record: desired }];
  return current ? { current, desired, changes } : { desired, changes };
}

/** Same name, type, TTL and values (order-insensitive). */
export function sameRecord(a: DnsRecordSet, b: DnsRecordSet): boolean {
  const values = (r: DnsRecordSet) => [...r.values].sort().join('\n');
  return a.name === b.name && a.type === b.type && a.ttl === b.ttl && values(a) === values(b);
}

import { ConflictError, PermanentError } from '../../errors/errors.js';
import type { DnsChange, DnsChangeStatus, DnsProvider, DnsRecordSet } from '../../ports/dns-provider.js';
import { sameKey, sameRecord } from '../../dns/record-switch.js';
import type { SimCloud } from './sim-cloud.js';

/** Everything a SimDns holds, JSON-safe: zones in order, changes with their submission time, the change counter. */
export interface SimDnsSnapshot {
  zones: { hostedZoneId: string; records: DnsRecordSet[] }[];
  changes: { changeId: string; submittedAt: number }[];
  nextChange: number;
}

/**
 * Simulated Route 53 with its change-batch semantics: a batch applies
 * atomically or not at all; a DELETE must match the existing record exactly
 * and a CREATE must not find one (InvalidChangeBatch otherwise, reported as
 * a conflict); a change is PENDING until it has propagated, then INSYNC.
 */
export class SimDns implements DnsProvider {
  private readonly zones = new Map<string, DnsRecordSet[]>();
  private readonly changes = new Map<string, number>();
  private nextChange = 1;

  constructor(private readonly cloud: SimCloud) {}

  /** Create a zone with records (for seeding the world). */
  seed(hostedZoneId: string, records: DnsRecordSet[]): void {
    const zone = this.zones.get(hostedZoneId) ?? [];
    zone.push(...records.map((r) => structuredClone(r)));
    this.zones.set(hostedZoneId, zone);
  }

  async listRecords(hostedZoneId: string, name: string): Promise<DnsRecordSet[]> {
    return this.cloud.call('route53', 'ListResourceRecordSets', undefined, `${hostedZoneId}/${name}`, () =>
      this.zone(hostedZoneId)
        .filter((r) => r.name === name)
        .map((r) => structuredClone(r)),
    );
  }

  async changeRecords(hostedZoneId: string, changes: DnsChange[], _comment: string): Promise<{ changeId: string; status: DnsChangeStatus }> {
    return this.cloud.call('route53', 'ChangeResourceRecordSets', undefined, hostedZoneId, () => {
      // Route 53's ChangeBatch needs at least one change.
      if (changes.length === 0) throw new PermanentError('InvalidInput: Invalid request: Expected at least one change in the ChangeBatch');
      const next = this.zone(hostedZoneId).map((r) => structuredClone(r));
      for (const change of changes) {
        const at = next.findIndex((r) => sameKey(r, change.record));
        if (change.action === 'DELETE') {
          if (at < 0 || !sameRecord(next[at]!, change.record)) {
            throw new ConflictError(`InvalidChangeBatch: Tried to delete resource record set [name='${change.record.name}', type='${change.record.type}'] but the values provided do not match the current values`);
          }
          next.splice(at, 1);
        } else if (change.action === 'CREATE') {
          if (at >= 0) throw new ConflictError(`InvalidChangeBatch: Tried to create resource record set [name='${change.record.name}', type='${change.record.type}'] but it already exists`);
          next.push(structuredClone(change.record));
        } else {
          if (at >= 0) next.splice(at, 1);
          next.push(structuredClone(change.record));
        }
      }
      this.zones.set(hostedZoneId, next);
      const changeId = `/change/C${String(this.nextChange++).padStart(12, '0')}`;
      this.changes.set(changeId, this.cloud.clock.now());
      return { changeId, status: 'PENDING' as const };
    });
  }

  async getChange(changeId: string): Promise<DnsChangeStatus> {
    return this.cloud.call('route53', 'GetChange', undefined, changeId, () => {
      const submittedAt = this.changes.get(changeId);
      if (submittedAt === undefined) throw new PermanentError(`NoSuchChange: ${changeId}`);
      return this.cloud.clock.now() >= submittedAt + this.cloud.delays.dnsPropagationMs ? 'INSYNC' : 'PENDING';
    });
  }

  /** A deep copy of every zone and change, and the change counter. */
  snapshot(): SimDnsSnapshot {
    return {
      zones: [...this.zones].map(([hostedZoneId, records]) => ({ hostedZoneId, records: structuredClone(records) })),
      changes: [...this.changes].map(([changeId, submittedAt]) => ({ changeId, submittedAt })),
      nextChange: this.nextChange,
    };
  }

  /** Replace every zone and change with those of a snapshot; a PENDING change goes INSYNC on the same schedule. */
  restore(snapshot: SimDnsSnapshot): void {
    this.zones.clear();
    this.changes.clear();
    for (const zone of snapshot.zones) this.zones.set(zone.hostedZoneId, structuredClone(zone.records));
    for (const change of snapshot.changes) this.changes.set(change.changeId, change.submittedAt);
    this.nextChange = snapshot.nextChange;
  }

  private zone(hostedZoneId: string): DnsRecordSet[] {
    const zone = this.zones.get(hostedZoneId);
    if (!zone) throw new PermanentError(`NoSuchHostedZone: No hosted zone found with ID: ${hostedZoneId}`);
    return zone;
  }
}

import { ConflictError, PermanentError, TransientError } from '../../errors/errors.js';
import type { DnsChange, DnsChangeStatus, DnsProvider, DnsRecordSet } from '../../ports/dns-provider.js';
import { sameKey, sameStoredRecord } from '../../dns/record-switch.js';
import { canonicalName } from '../../dns/targets.js';
import type { SimCloud } from './sim-cloud.js';

/**
 * What happens to a change batch whose answer is lost on the way back (a
 * reset connection): `applied`, Route 53 had applied it; `lands-late`, it
 * was still being processed, so reads do not show it yet, and it lands
 * before the next change batch to the zone is processed.
 */
export type LostChangeAnswer = 'applied' | 'lands-late';

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
 * a conflict, with Route 53's messages: "... but it was not found", "... but
 * the values provided do not match the current values", "... but it already
 * exists"); a change is PENDING until it has propagated, then INSYNC. Names
 * and alias targets are stored as Route 53 stores them: lower case, with the
 * trailing dot. `loseNextChangeAnswer` injects the lost answer of a batch
 * that did apply, the case in which a repeat is refused as already done.
 */
export class SimDns implements DnsProvider {
  private readonly zones = new Map<string, DnsRecordSet[]>();
  private readonly changes = new Map<string, number>();
  private nextChange = 1;
  private lostAnswers: LostChangeAnswer[] = [];
  /** Batches still being processed (`lands-late`), per zone, in order. */
  private readonly landing = new Map<string, DnsChange[][]>();
  /** Each zone as it was before its recent changes, for the DNS servers that have not seen them yet (not persisted: a restart serves the latest). */
  private readonly served = new Map<string, { until: number; records: DnsRecordSet[] }[]>();

  constructor(private readonly cloud: SimCloud) {}

  /** Create a zone with records (for seeding the world). */
  seed(hostedZoneId: string, records: DnsRecordSet[]): void {
    const zone = this.zones.get(hostedZoneId) ?? [];
    zone.push(...records.map(stored));
    this.zones.set(hostedZoneId, zone);
  }

  /** The next ChangeResourceRecordSets takes effect (now, or `lands-late`) but its caller hears a reset connection. */
  loseNextChangeAnswer(what: LostChangeAnswer = 'applied'): void {
    this.lostAnswers.push(what);
  }

  async listRecords(hostedZoneId: string, name: string): Promise<DnsRecordSet[]> {
    const wanted = canonicalName(name);
    return this.cloud.call('route53', 'ListResourceRecordSets', undefined, `${hostedZoneId}/${name}`, () =>
      this.zone(hostedZoneId)
        .filter((r) => r.name === wanted)
        .map((r) => structuredClone(r)),
    );
  }

  async changeRecords(hostedZoneId: string, changes: DnsChange[], _comment: string): Promise<{ changeId: string; status: DnsChangeStatus }> {
    let lost: LostChangeAnswer | undefined;
    const result = await this.cloud.call('route53', 'ChangeResourceRecordSets', undefined, hostedZoneId, () => {
      // Route 53's ChangeBatch needs at least one change.
      if (changes.length === 0) throw new PermanentError('InvalidInput: Invalid request: Expected at least one change in the ChangeBatch');
      // A batch still in processing lands before this one is looked at (it was accepted: it cannot fail now).
      for (const batch of this.landing.get(hostedZoneId)?.splice(0) ?? []) this.replaceZone(hostedZoneId, this.applied(hostedZoneId, batch));
      const next = this.applied(hostedZoneId, changes);
      // Only a batch that was accepted can lose its answer: a refused one is answered as refused.
      lost = this.lostAnswers.shift();
      if (lost === 'lands-late') this.landing.set(hostedZoneId, [...(this.landing.get(hostedZoneId) ?? []), changes]);
      else this.replaceZone(hostedZoneId, next);
      const changeId = `/change/C${String(this.nextChange++).padStart(12, '0')}`;
      this.changes.set(changeId, this.cloud.clock.now());
      return { changeId, status: 'PENDING' as const };
    });
    if (lost) throw new TransientError('ChangeResourceRecordSets: ECONNRESET: the connection was reset before the answer arrived (simulated)');
    return result;
  }

  /** The zone's records after `changes`, or the InvalidChangeBatch conflict that refuses them all, listing every problem as Route 53 does. */
  private applied(hostedZoneId: string, changes: DnsChange[]): DnsRecordSet[] {
    const next = this.zone(hostedZoneId).map((r) => structuredClone(r));
    const problems: string[] = [];
    for (const change of changes) {
      const record = stored(change.record);
      const at = next.findIndex((r) => sameKey(r, record));
      const which = `[name='${record.name}', type='${record.type}'${record.setIdentifier !== undefined ? `, set-identifier='${record.setIdentifier}'` : ''}]`;
      if (change.action === 'DELETE') {
        if (at < 0) problems.push(`Tried to delete resource record set ${which} but it was not found`);
        else if (!sameStoredRecord(next[at]!, record)) problems.push(`Tried to delete resource record set ${which} but the values provided do not match the current values`);
        else next.splice(at, 1);
      } else if (change.action === 'CREATE') {
        if (at >= 0) problems.push(`Tried to create resource record set ${which} but it already exists`);
        else next.push(record);
      } else {
        if (at >= 0) next.splice(at, 1);
        next.push(record);
      }
    }
    if (problems.length > 0) throw new ConflictError(`ChangeResourceRecordSets: InvalidChangeBatch: [${problems.join(', ')}]`);
    return next;
  }

  async getChange(changeId: string): Promise<DnsChangeStatus> {
    return this.cloud.call('route53', 'GetChange', undefined, changeId, () => {
      const submittedAt = this.changes.get(changeId);
      if (submittedAt === undefined) throw new PermanentError(`NoSuchChange: ${changeId}`);
      return this.cloud.clock.now() >= submittedAt + this.cloud.delays.dnsPropagationMs ? 'INSYNC' : 'PENDING';
    });
  }

  /**
   * The data plane: the records a query for `name` finds in a zone (no call,
   * no control-plane outage: Route 53's DNS servers keep answering), or
   * undefined when the zone does not hold the name's domain.
   */
  recordsForAnswer(hostedZoneId: string, name: string): DnsRecordSet[] | undefined {
    // A change reaches the DNS servers when it is INSYNC: until then they answer from the zone as it was.
    const now = this.cloud.clock.now();
    const earlier = this.served.get(hostedZoneId)?.find((s) => s.until > now);
    const zone = earlier?.records ?? this.zones.get(hostedZoneId);
    if (!zone) return undefined;
    const wanted = canonicalName(name);
    return zone.filter((r) => r.name === wanted).map((r) => structuredClone(r));
  }

  /** Apply a new version of a zone, keeping the old one served until the change has propagated. */
  private replaceZone(hostedZoneId: string, next: DnsRecordSet[]): void {
    const now = this.cloud.clock.now();
    const old = this.zones.get(hostedZoneId);
    const kept = (this.served.get(hostedZoneId) ?? []).filter((s) => s.until > now);
    if (old && !kept.some((s) => s.until === now + this.cloud.delays.dnsPropagationMs)) kept.push({ until: now + this.cloud.delays.dnsPropagationMs, records: old });
    this.served.set(hostedZoneId, kept);
    this.zones.set(hostedZoneId, next);
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

/** A record set as Route 53 stores it: its name and alias target in lower case with the trailing dot. */
function stored(record: DnsRecordSet): DnsRecordSet {
  const copy = structuredClone(record);
  copy.name = canonicalName(copy.name);
  if (copy.alias) copy.alias.dnsName = canonicalName(copy.alias.dnsName);
  return copy;
}

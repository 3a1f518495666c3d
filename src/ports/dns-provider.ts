/** One resource record set, as Route 53 models it. */
export interface DnsRecordSet {
  /** Fully qualified name with the trailing dot, lower case: `app.example.com.` */
  name: string;
  type: string;
  ttl?: number;
  /** Plain values (absent for alias records). */
  values: string[];
  setIdentifier?: string;
  weight?: number;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

/** One change of a batch. DELETE must name the exact record that exists. */
export interface DnsChange {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  record: DnsRecordSet;
}

/** Propagation status of a submitted change. */
export type DnsChangeStatus = 'PENDING' | 'INSYNC';

/**
 * The DNS port (Route 53 or the simulation). A batch is atomic: all of it
 * applies or none; a DELETE that does not match exactly throws ConflictError.
 */
export interface DnsProvider {
  /** The record sets with exactly this name (any type), in the given zone. */
  listRecords(hostedZoneId: string, name: string): Promise<DnsRecordSet[]>;
  /** Apply one atomic change batch; returns the change id to wait on. */
  changeRecords(hostedZoneId: string, changes: DnsChange[], comment: string): Promise<{ changeId: string; status: DnsChangeStatus }>;
  /** The status of a change submitted earlier. */
  getChange(changeId: string): Promise<DnsChangeStatus>;
}

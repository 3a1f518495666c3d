import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, PermanentError, TransientError } from '../../src/errors/errors.js';
import type { DnsChange, DnsProvider, DnsRecordSet } from '../../src/ports/dns-provider.js';

/** The hosted zone every test works in; `seed` creates it. */
export const CONTRACT_ZONE = 'Z0CONTRACT000000000001';

/** Long enough for any implementation's change to propagate (Route 53: usually within 60 s). */
const PLENTY_MS = 10 * 60_000;

/** What one implementation under test provides. */
export interface DnsContractFixture {
  dns: DnsProvider;
  /** Create the zone if needed and add these record sets to it, behind the provider's back. */
  seed(hostedZoneId: string, records: DnsRecordSet[]): Promise<void>;
  /** Let `ms` of the implementation's time pass. */
  advance(ms: number): Promise<void>;
  /**
   * The next accepted change batch takes effect but its answer is lost (a
   * reset connection): `applied` at once, or `lands-late`, still being
   * processed and landing before the next batch to the zone.
   */
  loseNextChangeAnswer(what: 'applied' | 'lands-late'): void;
  /** The next call of `operation` is refused for the account's request rate (Route 53: 400 Throttling "Rate exceeded"). */
  throttleNext(operation: 'ListResourceRecordSets' | 'ChangeResourceRecordSets'): void;
  close(): Promise<void>;
}

const APP_A: DnsRecordSet = { name: 'app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.10'] };
const APP_TXT: DnsRecordSet = { name: 'app.example.com.', type: 'TXT', ttl: 300, values: ['"heritage=failover-controller,owner=shop"'] };
const NEIGHBOURS: DnsRecordSet[] = [
  { name: 'www.app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.20'] },
  { name: 'xapp.example.com.', type: 'A', ttl: 60, values: ['192.0.2.30'] },
  { name: 'example.com.', type: 'MX', ttl: 3600, values: ['10 mail.example.com.'] },
];

const byKey = (a: DnsRecordSet, b: DnsRecordSet) => `${a.type}/${a.setIdentifier ?? ''}`.localeCompare(`${b.type}/${b.setIdentifier ?? ''}`);
const sorted = (records: DnsRecordSet[]) => [...records].sort(byKey);

/**
 * The semantics every DnsProvider shares, so the simulation cannot drift from
 * Route 53: listing by exact name, change batches that apply atomically, a
 * DELETE that must match the record exactly and a CREATE that must not find
 * one (ConflictError otherwise), changes that are PENDING and then INSYNC,
 * and an unknown zone or change that is a PermanentError.
 */
export function describeDnsProviderContract(name: string, setup: () => Promise<DnsContractFixture>): void {
  describe(`DnsProvider contract: ${name}`, () => {
    let f: DnsContractFixture;

    beforeEach(async () => {
      f = await setup();
      await f.seed(CONTRACT_ZONE, [APP_A, APP_TXT, ...NEIGHBOURS]);
    });

    afterEach(async () => {
      await f.close();
    });

    const list = async (recordName = 'app.example.com.') => sorted(await f.dns.listRecords(CONTRACT_ZONE, recordName));

    it('lists the record sets with exactly the name, of every type, and nothing under or beside it', async () => {
      expect(await list()).toEqual([APP_A, APP_TXT]);
      expect(await list('www.app.example.com.')).toEqual([NEIGHBOURS[0]]);
      expect(await list('nothing.example.com.')).toEqual([]);
    });

    it('lists every record set of a name, however many there are', async () => {
      const more: DnsRecordSet[] = [
        { name: 'app.example.com.', type: 'AAAA', ttl: 60, values: ['2001:db8::10', '2001:db8::11'] },
        { name: 'app.example.com.', type: 'CAA', ttl: 3600, values: ['0 issue "amazon.com"'] },
        { name: 'app.example.com.', type: 'MX', ttl: 300, values: ['10 mx1.example.com.', '20 mx2.example.com.'] },
        { name: 'app.example.com.', type: 'SPF', ttl: 300, values: ['"v=spf1 -all"'] },
      ];
      await f.seed(CONTRACT_ZONE, more);
      expect(await list()).toEqual(sorted([APP_A, APP_TXT, ...more]));
    });

    it('returns weighted, failover and alias record sets as they are', async () => {
      const records: DnsRecordSet[] = [
        { name: 'weighted.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'blue', weight: 100 },
        { name: 'weighted.example.com.', type: 'A', ttl: 60, values: ['192.0.2.2'], setIdentifier: 'green', weight: 0 },
        { name: 'failover.example.com.', type: 'A', ttl: 60, values: ['192.0.2.3'], setIdentifier: 'primary', failover: 'PRIMARY', healthCheckId: 'abcdef11-2222-3333-4444-555555fedcba' },
        {
          name: 'failover.example.com.',
          type: 'A',
          values: [],
          setIdentifier: 'secondary',
          failover: 'SECONDARY',
          alias: { dnsName: 'dualstack.standby-123.eu-west-1.elb.amazonaws.com.', hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true },
        },
      ];
      await f.seed(CONTRACT_ZONE, records);
      expect(await list('weighted.example.com.')).toEqual(sorted(records.slice(0, 2)));
      expect(await list('failover.example.com.')).toEqual(sorted(records.slice(2)));
    });

    it('applies a DELETE of the exact record and a CREATE of the new one in one batch', async () => {
      const desired: DnsRecordSet = { ...APP_A, values: ['198.51.100.10'] };
      const result = await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'DELETE', record: APP_A }, { action: 'CREATE', record: desired }], 'switch to eu-west-1');
      expect(result).toEqual({ changeId: expect.any(String), status: 'PENDING' });
      expect(await list()).toEqual([desired, APP_TXT]);
    });

    it('UPSERT creates a record that is missing and replaces one that exists', async () => {
      const created: DnsRecordSet = { name: 'new.example.com.', type: 'A', ttl: 60, values: ['192.0.2.40'] };
      const replaced: DnsRecordSet = { ...APP_A, ttl: 30, values: ['198.51.100.10'] };
      await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'UPSERT', record: created }, { action: 'UPSERT', record: replaced }], 'upsert');
      expect(await list('new.example.com.')).toEqual([created]);
      expect(await list()).toEqual([replaced, APP_TXT]);
    });

    it.each([
      ['another value', { ...APP_A, values: ['192.0.2.99'] }],
      ['another TTL', { ...APP_A, ttl: 300 }],
      ['a record that is not there', { name: 'ghost.example.com.', type: 'A', ttl: 60, values: ['192.0.2.10'] }],
    ])('a DELETE naming %s is a ConflictError and changes nothing', async (_what, stale) => {
      const change: DnsChange[] = [{ action: 'DELETE', record: stale as DnsRecordSet }, { action: 'CREATE', record: { ...APP_A, name: 'other.example.com.' } }];
      await expect(f.dns.changeRecords(CONTRACT_ZONE, change, 'stale read')).rejects.toBeInstanceOf(ConflictError);
      expect(await list()).toEqual([APP_A, APP_TXT]);
      expect(await list('other.example.com.')).toEqual([]);
    });

    it('moves weight between weighted record sets with exact DELETEs and CREATEs; a stale weight is a ConflictError', async () => {
      const blue: DnsRecordSet = { name: 'w.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'blue', weight: 100 };
      const green: DnsRecordSet = { name: 'w.example.com.', type: 'A', ttl: 60, values: ['192.0.2.2'], setIdentifier: 'green', weight: 0 };
      await f.seed(CONTRACT_ZONE, [blue, green]);
      const stale: DnsChange[] = [{ action: 'DELETE', record: { ...blue, weight: 50 } }, { action: 'CREATE', record: { ...blue, weight: 0 } }];
      await expect(f.dns.changeRecords(CONTRACT_ZONE, stale, 'stale weight')).rejects.toBeInstanceOf(ConflictError);
      const flip: DnsChange[] = [
        { action: 'DELETE', record: blue },
        { action: 'DELETE', record: green },
        { action: 'CREATE', record: { ...blue, weight: 0 } },
        { action: 'CREATE', record: { ...green, weight: 100 } },
      ];
      await f.dns.changeRecords(CONTRACT_ZONE, flip, 'flip');
      expect(await list('w.example.com.')).toEqual([{ ...blue, weight: 0 }, { ...green, weight: 100 }]);
    });

    it('a DELETE of an alias must match its target exactly', async () => {
      const alias: DnsRecordSet = {
        name: 'apex.example.com.',
        type: 'A',
        values: [],
        alias: { dnsName: 'dualstack.active-123.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
      };
      await f.seed(CONTRACT_ZONE, [alias]);
      const read = await f.dns.listRecords(CONTRACT_ZONE, 'apex.example.com.');
      expect(read).toEqual([alias]);
      const other = { ...alias, alias: { ...alias.alias!, evaluateTargetHealth: false } };
      await expect(f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'DELETE', record: other }], 'stale alias')).rejects.toBeInstanceOf(ConflictError);
      await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'DELETE', record: read[0]! }], 'exact alias');
      expect(await list('apex.example.com.')).toEqual([]);
    });

    it('a CREATE of a record that exists is a ConflictError', async () => {
      const again: DnsRecordSet = { ...APP_A, values: ['198.51.100.10'] };
      await expect(f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'CREATE', record: again }], 'second writer')).rejects.toBeInstanceOf(ConflictError);
      expect(await list()).toEqual([APP_A, APP_TXT]);
    });

    it('is atomic: when one change of a batch fails, none of the others is applied', async () => {
      const batch: DnsChange[] = [
        { action: 'CREATE', record: { name: 'new.example.com.', type: 'A', ttl: 60, values: ['192.0.2.40'] } },
        { action: 'UPSERT', record: { ...APP_TXT, values: ['"heritage=failover-controller,owner=intruder"'] } },
        { action: 'DELETE', record: { ...APP_A, values: ['192.0.2.99'] } },
      ];
      await expect(f.dns.changeRecords(CONTRACT_ZONE, batch, 'doomed')).rejects.toBeInstanceOf(ConflictError);
      expect(await list()).toEqual([APP_A, APP_TXT]);
      expect(await list('new.example.com.')).toEqual([]);
    });

    it('reports a change PENDING, then INSYNC once time has passed', async () => {
      const { changeId, status } = await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'UPSERT', record: { ...APP_A, values: ['198.51.100.10'] } }], 'propagate');
      expect(status).toBe('PENDING');
      expect(await f.dns.getChange(changeId)).toBe('PENDING');
      await f.advance(PLENTY_MS);
      expect(await f.dns.getChange(changeId)).toBe('INSYNC');
    });

    it('stores names and alias targets as Route 53 does: lower case with the trailing dot; a DELETE may name them in any case, with or without the dot', async () => {
      const written: DnsRecordSet = {
        name: 'Apex.Example.COM',
        type: 'A',
        values: [],
        alias: { dnsName: 'Dualstack.Active-123.US-East-1.elb.amazonaws.com', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false },
      };
      await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'CREATE', record: written }], 'mixed case');
      const stored: DnsRecordSet = { ...written, name: 'apex.example.com.', alias: { ...written.alias!, dnsName: 'dualstack.active-123.us-east-1.elb.amazonaws.com.' } };
      expect(await list('apex.example.com.')).toEqual([stored]);
      await f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'DELETE', record: written }], 'delete as written');
      expect(await list('apex.example.com.')).toEqual([]);
    });

    it('a batch whose answer was lost had applied: the caller sees a TransientError, the records show the batch, and the same batch again is refused as InvalidChangeBatch', async () => {
      const desired: DnsRecordSet = { ...APP_A, values: ['198.51.100.10'] };
      const batch: DnsChange[] = [{ action: 'DELETE', record: APP_A }, { action: 'CREATE', record: desired }];
      f.loseNextChangeAnswer('applied');
      await expect(f.dns.changeRecords(CONTRACT_ZONE, batch, 'answer lost')).rejects.toBeInstanceOf(TransientError);
      expect(await list()).toEqual([desired, APP_TXT]);
      const repeat = await f.dns.changeRecords(CONTRACT_ZONE, batch, 'repeat').catch((e: unknown) => e);
      expect(repeat).toBeInstanceOf(ConflictError);
      // The DELETE names the old values, which the batch replaced: Route 53's words for that.
      expect((repeat as Error).message).toMatch(/Tried to delete resource record set \[name='app\.example\.com\.', type='A'\] but the values provided do not match the current values/);
      expect((repeat as Error).message).toMatch(/Tried to create resource record set \[name='app\.example\.com\.', type='A'\] but it already exists/);
      expect(await list()).toEqual([desired, APP_TXT]);
    });

    it('a batch still being processed when its answer was lost is not read yet, and lands before the next batch, which then finds it applied', async () => {
      const desired: DnsRecordSet = { ...APP_A, values: ['198.51.100.10'] };
      const batch: DnsChange[] = [{ action: 'DELETE', record: APP_A }, { action: 'CREATE', record: desired }];
      f.loseNextChangeAnswer('lands-late');
      await expect(f.dns.changeRecords(CONTRACT_ZONE, batch, 'answer lost')).rejects.toBeInstanceOf(TransientError);
      // Read before it landed: a caller deciding from this would send the batch again.
      expect(await list()).toEqual([APP_A, APP_TXT]);
      const repeat = await f.dns.changeRecords(CONTRACT_ZONE, batch, 'repeat').catch((e: unknown) => e);
      expect(repeat).toBeInstanceOf(ConflictError);
      expect((repeat as Error).message).toMatch(/but it already exists/);
      expect(await list()).toEqual([desired, APP_TXT]);
    });

    it('a call refused for the request rate is a TransientError and changes nothing', async () => {
      f.throttleNext('ChangeResourceRecordSets');
      await expect(f.dns.changeRecords(CONTRACT_ZONE, [{ action: 'UPSERT', record: { ...APP_A, values: ['198.51.100.10'] } }], 'throttled')).rejects.toBeInstanceOf(TransientError);
      expect(await list()).toEqual([APP_A, APP_TXT]);
      f.throttleNext('ListResourceRecordSets');
      await expect(list()).rejects.toBeInstanceOf(TransientError);
    });

    it('an unknown hosted zone or change is a PermanentError', async () => {
      await expect(f.dns.listRecords('ZNOSUCHZONE00000000', 'app.example.com.')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.dns.changeRecords('ZNOSUCHZONE00000000', [{ action: 'UPSERT', record: APP_A }], 'nowhere')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.dns.getChange('/change/C0NOSUCHCHANGE')).rejects.toBeInstanceOf(PermanentError);
    });
  });
}

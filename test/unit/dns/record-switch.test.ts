import { describe, expect, it } from 'vitest';
import { OWNER_PREFIX, ownerRecordName, ownerValue, ownsRecord, planRecordSwitch, sameRecord } from '../../../src/dns/record-switch.js';
import { PermanentError } from '../../../src/errors/errors.js';
import type { DnsRecordSet } from '../../../src/ports/dns-provider.js';

const NAME = 'shop.example.com.';

function cname(value: string, extra: Partial<DnsRecordSet> = {}): DnsRecordSet {
  return { name: NAME, type: 'CNAME', ttl: 60, values: [value], ...extra };
}

const owner: DnsRecordSet = { name: `_failover-owner.${NAME}`, type: 'TXT', ttl: 300, values: ['"heritage=failover-controller,owner=shop"'] };

describe('planRecordSwitch', () => {
  it('when the record exists with another value: DELETE the exact record read, then CREATE the desired one', () => {
    const current = cname('shop-use1.example.com');
    const desired = cname('shop-euw1.example.com');
    const plan = planRecordSwitch([owner, current], desired);
    expect(plan).toEqual({
      current,
      desired,
      changes: [
        { action: 'DELETE', record: current },
        { action: 'CREATE', record: desired },
      ],
    });
    // The DELETE names exactly what was read (same TTL and values), so a concurrent change makes the batch fail.
    expect(plan.changes[0]!.record).toBe(current);
    expect(plan.changes.some((c) => c.action === 'UPSERT')).toBe(false);
  });

  it('a TTL change alone is a change', () => {
    const current = cname('shop-use1.example.com', { ttl: 300 });
    const desired = cname('shop-use1.example.com', { ttl: 60 });
    expect(planRecordSwitch([current], desired).changes).toEqual([
      { action: 'DELETE', record: current },
      { action: 'CREATE', record: desired },
    ]);
  });

  it('when the record is absent: CREATE only', () => {
    const desired = cname('shop-euw1.example.com');
    const plan = planRecordSwitch([owner], desired);
    expect(plan).toEqual({ desired, changes: [{ action: 'CREATE', record: desired }] });
    expect('current' in plan).toBe(false);
    expect(planRecordSwitch([], desired).changes).toEqual([{ action: 'CREATE', record: desired }]);
  });

  it('when the record is already as desired: no changes', () => {
    const current = cname('shop-euw1.example.com');
    const desired = cname('shop-euw1.example.com');
    expect(planRecordSwitch([owner, current], desired)).toEqual({ current, desired, changes: [] });
  });

  it('values compare without regard to order', () => {
    const current: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.2', '192.0.2.1'] };
    const desired: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] };
    expect(planRecordSwitch([current], desired).changes).toEqual([]);
  });

  it('only records of the desired type are considered', () => {
    const aaaa: DnsRecordSet = { name: NAME, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] };
    const desired: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.1'] };
    expect(planRecordSwitch([aaaa], desired).changes).toEqual([{ action: 'CREATE', record: desired }]);
  });

  it('refuses weighted records with a PermanentError: only a simple record can be switched', () => {
    const weighted = [cname('shop-use1.example.com', { setIdentifier: 'use1', weight: 100 }), cname('shop-euw1.example.com', { setIdentifier: 'euw1', weight: 0 })];
    expect(() => planRecordSwitch(weighted, cname('shop-euw1.example.com'))).toThrow(PermanentError);
    expect(() => planRecordSwitch(weighted, cname('shop-euw1.example.com'))).toThrow(
      'shop.example.com. CNAME has 2 record sets (weighted or failover routing): only a simple record can be switched',
    );
  });

  it('refuses a single record with a set identifier (failover routing)', () => {
    const primary = cname('shop-use1.example.com', { setIdentifier: 'primary', failover: 'PRIMARY' });
    expect(() => planRecordSwitch([primary], cname('shop-euw1.example.com'))).toThrow(PermanentError);
  });
});

describe('sameRecord', () => {
  it('compares name, type, TTL and values', () => {
    const a = cname('x.example.com');
    expect(sameRecord(a, cname('x.example.com'))).toBe(true);
    expect(sameRecord(a, cname('y.example.com'))).toBe(false);
    expect(sameRecord(a, cname('x.example.com', { ttl: 61 }))).toBe(false);
    expect(sameRecord(a, cname('x.example.com', { name: 'www.example.com.' }))).toBe(false);
    expect(sameRecord(a, { ...a, type: 'TXT' })).toBe(false);
    expect(sameRecord(a, cname('x.example.com', { values: ['x.example.com', 'z.example.com'] }))).toBe(false);
  });

  it('does not reorder the records it compares', () => {
    const r: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.2', '192.0.2.1'] };
    sameRecord(r, { ...r, values: ['192.0.2.1', '192.0.2.2'] });
    expect(r.values).toEqual(['192.0.2.2', '192.0.2.1']);
  });
});

describe('ownership records', () => {
  it('live at _failover-owner.<name>', () => {
    expect(OWNER_PREFIX).toBe('_failover-owner.');
    expect(ownerRecordName(NAME)).toBe('_failover-owner.shop.example.com.');
  });

  it('carry a quoted heritage/owner TXT value', () => {
    expect(ownerValue('shop')).toBe('"heritage=failover-controller,owner=shop"');
  });

  it('ownsRecord is true only for a TXT record naming this app', () => {
    expect(ownsRecord([owner], 'shop')).toBe(true);
    expect(ownsRecord([owner], 'blog')).toBe(false);
    expect(ownsRecord([], 'shop')).toBe(false);
    // The same text in a record of another type does not count.
    expect(ownsRecord([{ ...owner, type: 'SPF' }], 'shop')).toBe(false);
    // Route 53 returns TXT values quoted; an unquoted value is not the mark.
    expect(ownsRecord([{ ...owner, values: ['heritage=failover-controller,owner=shop'] }], 'shop')).toBe(false);
    // A prefix of another app's name is not ownership.
    expect(ownsRecord([{ ...owner, values: [ownerValue('shop-eu')] }], 'shop')).toBe(false);
  });

  it('ownsRecord finds the mark among several values and records', () => {
    const other: DnsRecordSet = { ...owner, values: ['"v=spf1 -all"', ownerValue('blog')] };
    expect(ownsRecord([other, { ...owner, values: ['"something else"', ownerValue('shop')] }], 'shop')).toBe(true);
    expect(ownsRecord([other], 'blog')).toBe(true);
  });
});

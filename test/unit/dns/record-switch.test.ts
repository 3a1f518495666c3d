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
    const plan = planRecordSwitch([owner, current], [desired]);
    expect(plan).toEqual({
      current: [current],
      desired: [desired],
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
    expect(planRecordSwitch([current], [desired]).changes).toEqual([
      { action: 'DELETE', record: current },
      { action: 'CREATE', record: desired },
    ]);
  });

  it('when the record is absent: CREATE only', () => {
    const desired = cname('shop-euw1.example.com');
    const plan = planRecordSwitch([owner], [desired]);
    expect(plan).toEqual({ current: [], desired: [desired], changes: [{ action: 'CREATE', record: desired }] });
    expect(planRecordSwitch([], [desired]).changes).toEqual([{ action: 'CREATE', record: desired }]);
  });

  it('when the record is already as desired: no changes', () => {
    const current = cname('shop-euw1.example.com');
    const desired = cname('shop-euw1.example.com');
    expect(planRecordSwitch([owner, current], [desired])).toEqual({ current: [], desired: [desired], changes: [] });
  });

  it('values compare without regard to order', () => {
    const current: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.2', '192.0.2.1'] };
    const desired: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] };
    expect(planRecordSwitch([current], [desired]).changes).toEqual([]);
  });

  it('only records of the desired type are considered', () => {
    const aaaa: DnsRecordSet = { name: NAME, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] };
    const desired: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.1'] };
    expect(planRecordSwitch([aaaa], [desired]).changes).toEqual([{ action: 'CREATE', record: desired }]);
  });

  it('weighted: moves the weight with one DELETE+CREATE per changed set, deletes first, untouched sets left alone', () => {
    const use1 = cname('shop-use1.example.com', { setIdentifier: 'use1', weight: 100 });
    const euw1 = cname('shop-euw1.example.com', { setIdentifier: 'euw1', weight: 0 });
    const apse2 = cname('shop-apse2.example.com', { setIdentifier: 'apse2', weight: 0 });
    const want = [{ ...use1, weight: 0 }, { ...euw1, weight: 100 }, apse2];
    const plan = planRecordSwitch([use1, euw1, apse2], want);
    expect(plan.changes).toEqual([
      { action: 'DELETE', record: use1 },
      { action: 'DELETE', record: euw1 },
      { action: 'CREATE', record: want[0] },
      { action: 'CREATE', record: want[1] },
    ]);
    expect(plan.current).toEqual([use1, euw1]);
  });

  it('failover routing: swaps PRIMARY and SECONDARY', () => {
    const primary = cname('shop-use1.example.com', { setIdentifier: 'use1', failover: 'PRIMARY', healthCheckId: 'hc-1' });
    const secondary = cname('shop-euw1.example.com', { setIdentifier: 'euw1', failover: 'SECONDARY' });
    const plan = planRecordSwitch([primary, secondary], [{ ...primary, failover: 'SECONDARY' }, { ...secondary, failover: 'PRIMARY' }]);
    expect(plan.changes.map((c) => `${c.action} ${c.record.setIdentifier} ${c.record.failover}`)).toEqual(['DELETE use1 PRIMARY', 'DELETE euw1 SECONDARY', 'CREATE use1 SECONDARY', 'CREATE euw1 PRIMARY']);
  });

  it('alias targets compare on DNS name, zone and target health', () => {
    const alias = (dnsName: string, evaluateTargetHealth = false): DnsRecordSet => ({ name: NAME, type: 'A', values: [], alias: { dnsName, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth } });
    expect(planRecordSwitch([alias('a.elb.amazonaws.com.')], [alias('a.elb.amazonaws.com.')]).changes).toEqual([]);
    expect(planRecordSwitch([alias('a.elb.amazonaws.com.')], [alias('a.elb.amazonaws.com.', true)]).changes).toHaveLength(2);
    expect(planRecordSwitch([alias('a.elb.amazonaws.com.')], [alias('b.elb.amazonaws.com.')]).changes).toHaveLength(2);
  });

  it('refuses record sets the config does not describe (weighted records when the config says simple)', () => {
    const weighted = [cname('shop-use1.example.com', { setIdentifier: 'use1', weight: 100 }), cname('shop-euw1.example.com', { setIdentifier: 'euw1', weight: 0 })];
    expect(() => planRecordSwitch(weighted, [cname('shop-euw1.example.com')])).toThrow(PermanentError);
    expect(() => planRecordSwitch(weighted, [cname('shop-euw1.example.com')])).toThrow(
      'shop.example.com. CNAME has set "use1", set "euw1" that the config does not describe (routing mismatch?): refusing to switch',
    );
  });

  it('refuses a simple record when the config says weighted', () => {
    expect(() => planRecordSwitch([cname('shop-use1.example.com')], [cname('shop-euw1.example.com', { setIdentifier: 'euw1', weight: 100 })])).toThrow(/a simple record that the config does not describe/);
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

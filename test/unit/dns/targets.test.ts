import { describe, expect, it } from 'vitest';
import type { RegionDns } from '../../../src/config/types.js';
import { planRecordSwitch, sameRecord, sameStoredRecord } from '../../../src/dns/record-switch.js';
import { aliasTargetKey, canonicalName, recordTargets, sameAliasTarget } from '../../../src/dns/targets.js';
import type { DnsRecordSet } from '../../../src/ports/dns-provider.js';

const ALB = 'shop-alb-123.eu-west-1.elb.amazonaws.com';
const alias = (dnsName: string, extra: Partial<DnsRecordSet> = {}): DnsRecordSet => ({
  name: 'shop.example.com.',
  type: 'A',
  values: [],
  alias: { dnsName, hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: false },
  ...extra,
});

describe('alias targets compare as Route 53 resolves them', () => {
  it('canonical names: lower case, trailing dot (DomainNameFormat; ResourceRecordSet.Name)', () => {
    expect(canonicalName('Shop.Example.COM')).toBe('shop.example.com.');
    expect(canonicalName('shop.example.com.')).toBe('shop.example.com.');
  });

  it('an ELB alias with the console’s dualstack. prefix names the same load balancer, in any case, with or without the dot', () => {
    expect(aliasTargetKey(`dualstack.${ALB}`)).toBe(`${ALB}.`);
    expect(sameAliasTarget(`DualStack.${ALB.toUpperCase()}.`, ALB)).toBe(true);
    expect(sameAliasTarget('dualstack.shop-123.cn-north-1.elb.amazonaws.com.cn', 'shop-123.cn-north-1.elb.amazonaws.com.cn.')).toBe(true);
  });

  it('dualstack. is only an ELB prefix: elsewhere it is part of another name', () => {
    expect(sameAliasTarget('dualstack.d111111abcdef8.cloudfront.net', 'd111111abcdef8.cloudfront.net')).toBe(false);
    expect(sameAliasTarget(`dualstack.${ALB}`, 'other-alb-456.eu-west-1.elb.amazonaws.com')).toBe(false);
  });

  it('recordTargets: an alias by its resource, a CNAME by canonical name, an address as written (case aside)', () => {
    const albDns: RegionDns = { hostedZoneId: 'Z1', recordName: 'shop.example.com.', type: 'A', alias: { dnsName: `${ALB}.`, hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: false }, routing: 'simple', ttl: 60 };
    expect(recordTargets(alias(`dualstack.${ALB}.`), albDns)).toBe(true);
    expect(recordTargets({ name: 'shop.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'] }, albDns)).toBe(false);
    const cnameDns: RegionDns = { hostedZoneId: 'Z1', recordName: 'shop.example.com.', type: 'CNAME', value: 'shop-euw1.example.com', routing: 'simple', ttl: 60 };
    expect(recordTargets({ name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['Shop-EUW1.example.com.'] }, cnameDns)).toBe(true);
    const aaaaDns: RegionDns = { hostedZoneId: 'Z1', recordName: 'shop.example.com.', type: 'AAAA', value: '2001:db8::a', routing: 'simple', ttl: 60 };
    expect(recordTargets({ name: 'shop.example.com.', type: 'AAAA', ttl: 60, values: ['2001:DB8::A'] }, aaaaDns)).toBe(true);
  });
});

describe('record comparison with normalised alias names', () => {
  it('sameRecord (is it as desired?) takes a console-made dualstack. alias to the configured load balancer as the same record', () => {
    expect(sameRecord(alias(`dualstack.${ALB}.`), alias(`${ALB}.`))).toBe(true);
    expect(sameRecord(alias(`dualstack.${ALB}.`), alias(`${ALB}.`, { alias: { dnsName: `${ALB}.`, hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true } }))).toBe(false);
  });

  it('sameStoredRecord (does a DELETE match?) takes case and the trailing dot as Route 53 does, and the dualstack. prefix as part of the stored name', () => {
    expect(sameStoredRecord(alias(`dualstack.${ALB}.`), alias(`DUALSTACK.${ALB.toUpperCase()}`))).toBe(true);
    expect(sameStoredRecord(alias(`dualstack.${ALB}.`), alias(`${ALB}.`))).toBe(false);
  });

  it('planRecordSwitch: nothing to change when the live dualstack. alias routes to the configured load balancer', () => {
    expect(planRecordSwitch([alias(`dualstack.${ALB}.`)], [alias(`${ALB}.`)]).changes).toEqual([]);
  });

  it('planRecordSwitch: a change to such a record DELETEs it as read and CREATEs it keeping its dualstack. form', () => {
    const live = alias(`dualstack.${ALB}.`, { setIdentifier: 'euw1', weight: 100 });
    const plan = planRecordSwitch([live], [alias(`${ALB}.`, { setIdentifier: 'euw1', weight: 0 })]);
    expect(plan.changes).toEqual([
      { action: 'DELETE', record: live },
      { action: 'CREATE', record: alias(`dualstack.${ALB}.`, { setIdentifier: 'euw1', weight: 0 }) },
    ]);
  });
});

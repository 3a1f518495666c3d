import { describe, expect, it } from 'vitest';
import { answerRecords } from '../../../src/adapters/sim/sim-dns-answers.js';
import type { DnsRecordSet } from '../../../src/ports/dns-provider.js';

const record = (id: string, extra: Partial<DnsRecordSet>): DnsRecordSet => ({ name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: [`${id}.example.com`], setIdentifier: id, ...extra });
const healthyOnly = (...ids: string[]) => (hc: string) => ids.includes(hc);
const values = (answer: ReturnType<typeof answerRecords>) => answer.flatMap((a) => a.values);

describe("Route 53's answer rules in the simulated world", () => {
  const failover = [record('use1', { failover: 'PRIMARY', healthCheckId: 'hc-a' }), record('euw1', { failover: 'SECONDARY', healthCheckId: 'hc-b' })];

  it('failover: the primary while healthy, else a healthy secondary, else (both unhealthy) the primary', () => {
    expect(values(answerRecords(failover, 'CNAME', healthyOnly('hc-a', 'hc-b'), Math.random))).toEqual(['use1.example.com']);
    expect(values(answerRecords(failover, 'CNAME', healthyOnly('hc-b'), Math.random))).toEqual(['euw1.example.com']);
    expect(values(answerRecords(failover, 'CNAME', healthyOnly(), Math.random))).toEqual(['use1.example.com']);
  });

  it('a record without a health check is always healthy', () => {
    const unchecked = [record('use1', { failover: 'PRIMARY' }), record('euw1', { failover: 'SECONDARY', healthCheckId: 'hc-b' })];
    expect(values(answerRecords(unchecked, 'CNAME', healthyOnly(), Math.random))).toEqual(['use1.example.com']);
  });

  const weighted = [record('a', { weight: 100, healthCheckId: 'hc-a' }), record('b', { weight: 100, healthCheckId: 'hc-b' }), record('c', { weight: 0, healthCheckId: 'hc-c' })];

  it('weighted: by weight among the healthy records of weight above 0', () => {
    expect(values(answerRecords(weighted, 'CNAME', healthyOnly('hc-b', 'hc-c'), () => 0))).toEqual(['b.example.com']);
    expect(values(answerRecords(weighted, 'CNAME', healthyOnly('hc-a', 'hc-b'), () => 0.2))).toEqual(['a.example.com']);
    expect(values(answerRecords(weighted, 'CNAME', healthyOnly('hc-a', 'hc-b'), () => 0.7))).toEqual(['b.example.com']);
  });

  it('weighted: weight-0 records only when every record above 0 is unhealthy; all unhealthy, as if all were healthy', () => {
    expect(values(answerRecords(weighted, 'CNAME', healthyOnly('hc-c'), () => 0.9))).toEqual(['c.example.com']);
    const seen = new Set(Array.from({ length: 10 }, (_, i) => values(answerRecords(weighted, 'CNAME', healthyOnly(), () => i / 10))[0]));
    expect([...seen].sort()).toEqual(['a.example.com', 'b.example.com']);
  });

  it('a CNAME answers any type; an alias is answered as a CNAME to its target; no record, no answer', () => {
    expect(answerRecords([record('x', { setIdentifier: undefined })], 'A', () => true, Math.random)).toEqual([{ type: 'CNAME', ttl: 60, values: ['x.example.com'] }]);
    const alias: DnsRecordSet = { name: 'shop.example.com.', type: 'A', values: [], alias: { dnsName: 'lb-1.eu-west-1.elb.amazonaws.com.', hostedZoneId: 'Z1', evaluateTargetHealth: false } };
    expect(answerRecords([alias], 'A', () => true, Math.random)).toEqual([{ type: 'CNAME', ttl: 60, values: ['lb-1.eu-west-1.elb.amazonaws.com.'] }]);
    expect(answerRecords([alias], 'TXT', () => true, Math.random)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { RegionConfig } from '../../../src/config/types.js';
import { refuseRetireUnlessDnsElsewhere, retireVerdict } from '../../../src/dns/retire-guard.js';
import { PermanentError } from '../../../src/errors/errors.js';
import type { DnsRecordSet } from '../../../src/ports/dns-provider.js';
import { SHOP_LB as LB, SHOP_LB_ZONE as LB_ZONE, shopConfig } from '../../support/shop-config.js';


function regions(routing: 'simple' | 'weighted' | 'failover'): RegionConfig[] {
  return shopConfig({ alias: { routing } }).applications[0]!.regions;
}

/** An alias as the console writes it: `dualstack.` + the load balancer's name, with the dot. */
const consoleAlias = (region: keyof typeof LB, extra: Partial<DnsRecordSet> = {}): DnsRecordSet => ({
  name: 'shop.example.com.',
  type: 'A',
  values: [],
  alias: { dnsName: `dualstack.${LB[region]}.`, hostedZoneId: LB_ZONE[region], evaluateTargetHealth: false },
  ...extra,
});

describe('the retire guard: a database is set aside only while DNS positively names another region', () => {
  it('a console-made dualstack. alias naming the region being retired: refused (the old guard read "no region" and let it through)', () => {
    expect(retireVerdict(regions('simple'), 'eu-west-1', [consoleAlias('eu-west-1')])).toEqual({
      safe: false,
      reason: `DNS sends the application's traffic to eu-west-1 (A alias dualstack.${LB['eu-west-1']}.)`,
    });
    expect(() => refuseRetireUnlessDnsElsewhere(regions('simple'), 'eu-west-1', 'rds:shop-db-eu-west-1 (eu-west-1)', [consoleAlias('eu-west-1')])).toThrow(PermanentError);
  });

  it('a console-made dualstack. alias naming the other region: allowed', () => {
    expect(retireVerdict(regions('simple'), 'eu-west-1', [consoleAlias('us-east-1')])).toEqual({ safe: true, live: 'us-east-1' });
  });

  it.each([
    ['no record at all', []],
    ['a target the config does not name (a maintenance page)', [{ name: 'shop.example.com.', type: 'A', ttl: 60, values: ['192.0.2.99'] } satisfies DnsRecordSet]],
    ['a CNAME where the config says an A alias', [{ name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['elsewhere.example.com'] } satisfies DnsRecordSet]],
  ])('fails closed when DNS names no configured region: %s', (_what, read) => {
    const verdict = retireVerdict(regions('simple'), 'eu-west-1', read);
    expect(verdict.safe).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringMatching(/^DNS does not positively name a configured region/) });
  });

  it('weighted: refused while the retiring region carries the weight, allowed once another one does', () => {
    const at = (use1: number, euw1: number) => [consoleAlias('us-east-1', { setIdentifier: 'us-east-1', weight: use1 }), consoleAlias('eu-west-1', { setIdentifier: 'eu-west-1', weight: euw1 })];
    expect(retireVerdict(regions('weighted'), 'eu-west-1', at(0, 100)).safe).toBe(false);
    expect(retireVerdict(regions('weighted'), 'eu-west-1', at(50, 50)).safe).toBe(false);
    expect(retireVerdict(regions('weighted'), 'eu-west-1', at(100, 0))).toEqual({ safe: true, live: 'us-east-1' });
  });

  it('refused when Route 53 chooses by health: a health check, or evaluate target health, in a failover group could answer with the retiring region', () => {
    const primary = consoleAlias('us-east-1', { setIdentifier: 'us-east-1', failover: 'PRIMARY' });
    const secondary = consoleAlias('eu-west-1', { setIdentifier: 'eu-west-1', failover: 'SECONDARY' });
    expect(retireVerdict(regions('failover'), 'eu-west-1', [primary, secondary])).toEqual({ safe: true, live: 'us-east-1' });
    const checked = { ...primary, healthCheckId: 'abcdef11-2222-3333-4444-555555fedcba' };
    expect(retireVerdict(regions('failover'), 'eu-west-1', [checked, secondary])).toMatchObject({ safe: false, reason: expect.stringMatching(/chooses between the records by health/) });
    const evaluating = { ...primary, alias: { ...primary.alias!, evaluateTargetHealth: true } };
    expect(retireVerdict(regions('failover'), 'eu-west-1', [evaluating, secondary]).safe).toBe(false);
  });

  it('refused when a record of another type (an AAAA alias beside the A) still points at the retiring region', () => {
    const aaaa = consoleAlias('eu-west-1', { type: 'AAAA' });
    expect(retireVerdict(regions('simple'), 'eu-west-1', [consoleAlias('us-east-1'), aaaa])).toEqual({
      safe: false,
      reason: `a AAAA record still points at eu-west-1 (alias dualstack.${LB['eu-west-1']}.)`,
    });
  });
});

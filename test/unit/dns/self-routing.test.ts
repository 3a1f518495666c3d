import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/load-config.js';
import type { RegionConfig } from '../../../src/config/types.js';
import { activeRegionOf, desiredRecords } from '../../../src/dns/desired-records.js';
import { PermanentError } from '../../../src/errors/errors.js';

type Dns = Record<string, unknown>;

function config(dns: (name: string) => Dns) {
  return validateConfig({
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          probes: [{ url: `https://${name}.shop.example.com/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', ...dns(name) },
        })),
      },
    ],
  });
}

function issuesOf(dns: (name: string) => Dns) {
  try {
    config(dns);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

const failover = (name: string): Dns => ({ type: 'CNAME', value: `shop-${name}.example.com`, routing: 'failover', setIdentifier: name });
const lb = (name: string) => `shop-${name}-1.${name}.elb.amazonaws.com`;

describe('no region comes back into DNS by Route 53 health alone', () => {
  it('refuses health checks on failover records: Route 53 would answer the recovered old primary (a stale writer) on its own', () => {
    const issues = issuesOf((name) => ({ ...failover(name), healthCheckId: `hc-${name}` }));
    expect(issues.map((i) => i.path)).toEqual(['applications[0].regions[0].dns.healthCheckId', 'applications[0].regions[1].dns.healthCheckId']);
    expect(issues[0]!.message).toMatch(/^a health check on a failover record: with weighted or failover routing Route 53 then chooses between the regions on its own by health/);
    expect(issues[0]!.message).toMatch(/stale writer/);
  });

  it('refuses health checks on weighted records (Route 53 answers weight-0 records once the others are unhealthy) and evaluateTargetHealth on weighted or failover aliases', () => {
    const weighted = issuesOf((name) => ({ type: 'CNAME', value: `shop-${name}.example.com`, routing: 'weighted', setIdentifier: name, ...(name === 'eu-west-1' ? { healthCheckId: 'hc-1' } : {}) }));
    expect(weighted.map((i) => i.path)).toEqual(['applications[0].regions[1].dns.healthCheckId']);
    const evaluating = issuesOf((name) => ({ type: 'A', alias: { dnsName: lb(name), hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true }, routing: 'failover', setIdentifier: name }));
    expect(evaluating.map((i) => i.path)).toEqual(['applications[0].regions[0].dns.alias.evaluateTargetHealth', 'applications[0].regions[1].dns.alias.evaluateTargetHealth']);
  });

  it('accepts failover and weighted routing without them, and evaluateTargetHealth on a simple alias (one record: nothing to choose from)', () => {
    expect(issuesOf(failover)).toEqual([]);
    expect(issuesOf((name) => ({ type: 'A', alias: { dnsName: lb(name), hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true } }))).toEqual([]);
  });

  it('after a failover, the desired failover records make the new writer PRIMARY and carry no health check: only the record the controller chose is answered', () => {
    const regions = config(failover).applications[0]!.regions;
    const records = desiredRecords(regions, 'eu-west-1');
    expect(records.map((r) => [r.setIdentifier, r.failover, r.healthCheckId])).toEqual([
      ['us-east-1', 'SECONDARY', undefined],
      ['eu-west-1', 'PRIMARY', undefined],
    ]);
    expect(activeRegionOf(regions, records)).toBe('eu-west-1');
  });

  it('desiredRecords refuses a config built in code that would let Route 53 route by health', () => {
    const regions = config(failover).applications[0]!.regions;
    const checked: RegionConfig[] = regions.map((r) => ({ ...r, dns: { ...r.dns, healthCheckId: 'hc-1' } }));
    expect(() => desiredRecords(checked, 'eu-west-1')).toThrow(PermanentError);
  });
});

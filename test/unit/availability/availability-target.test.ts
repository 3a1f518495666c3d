import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/load-config.js';

function config(policy: Record<string, unknown>) {
  const region = (name: string, n: number) => ({
    name,
    probes: [{ url: `https://${name}.shop.example.com/health` }],
    database: { engine: 'rds', instanceId: `shop-db-${n}` },
    compute: { autoScalingGroup: `shop-web-${n}`, standbyCapacity: 1, activeCapacity: 4 },
    dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
  });
  return { applications: [{ name: 'shop', policy, regions: [region('us-east-1', 1), region('eu-west-1', 2)] }] };
}

function issues(policy: Record<string, unknown>) {
  try {
    validateConfig(config(policy));
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('policy.availabilityTargetPercent', () => {
  it('defaults to 99.95 and keeps what the file says', () => {
    expect(validateConfig(config({})).applications[0]!.policy.availabilityTargetPercent).toBe(99.95);
    expect(validateConfig(config({ availabilityTargetPercent: 99.9 })).applications[0]!.policy.availabilityTargetPercent).toBe(99.9);
    expect(validateConfig(config({ availabilityTargetPercent: 50 })).applications[0]!.policy.availabilityTargetPercent).toBe(50);
  });

  it.each([100, 100.5, 49.99, 9.95, 0, -1, '99.9%'])('refuses %s and names the field and the range', (value) => {
    const found = issues({ availabilityTargetPercent: value });
    expect(found).toEqual([{ path: 'applications[0].policy.availabilityTargetPercent', message: 'must be a percentage from 50 up to (not including) 100, such as 99.95' }]);
  });
});

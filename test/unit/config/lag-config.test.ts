import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/load-config.js';

function config(database: Record<string, unknown>) {
  return {
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          probes: [{ url: `https://${name}.example.com/health` }],
          database: { engine: 'rds', instanceId: `db-${name}`, ...database },
          compute: { autoScalingGroup: `asg-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com` },
        })),
      },
    ],
  };
}

function problems(input: unknown): string[] {
  try {
    validateConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('database.engineFamily and database.lag', () => {
  it('leaves a region without them as it was: CloudWatch, engine family unknown', () => {
    expect(validateConfig(config({})).applications[0]!.regions[0]!.lag).toBeUndefined();
  });

  it('normalizes the heartbeat source with its default timeout, and keeps the database ref as it was', () => {
    const region = validateConfig(config({ engineFamily: 'postgres', lag: { source: 'heartbeat', url: 'https://standby.internal.example.com/replication' } })).applications[0]!.regions[1]!;
    expect(region.lag).toEqual({ engineFamily: 'postgres', source: 'heartbeat', heartbeat: { url: 'https://standby.internal.example.com/replication', timeoutMs: 2_000 } });
    expect(region.database).toEqual({ engine: 'rds', region: 'eu-west-1', instanceId: 'db-eu-west-1' });
    expect(validateConfig(config({ engineFamily: 'mysql' })).applications[0]!.regions[0]!.lag).toEqual({ engineFamily: 'mysql', source: 'cloudwatch' });
  });

  it('names what is wrong, one line per field', () => {
    expect(problems(config({ engineFamily: 'oracle' }))).toContain('applications[0].regions[0].database.engineFamily: must be mysql or postgres');
    expect(problems(config({ lag: { source: 'heartbeat' } }))).toContain('applications[0].regions[0].database.lag: with source: heartbeat, url (the replication endpoint of this region) is required');
    expect(problems(config({ lag: { source: 'heartbeat', url: 'ftp://standby/replication' } }))).toContain('applications[0].regions[0].database.lag.url: must be an http(s) URL');
    expect(problems(config({ lag: { source: 'sql' } }))).toContain('applications[0].regions[0].database.lag.source: must be cloudwatch or heartbeat');
    expect(problems(config({ lag: { source: 'cloudwatch', url: 'https://x.example.com/replication', every: 5 } }))).toContain('applications[0].regions[0].database.lag.every: is not a known field (known fields: source, url, timeoutMs)');
  });
});

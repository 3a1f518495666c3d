import { describe, expect, it } from 'vitest';
import { callerReference, evacuatedWhileServing, regionCheck, switchRecords, voteAlarm, voteCheck, votersOf, votesOf, votesToEvacuate } from '../../../src/traffic/switch-layout.js';
import { trafficConfig } from '../../support/traffic-config.js';
import type { HealthCheckSpec } from '../../../src/ports/traffic-switch.js';

const two = trafficConfig('health-checks').applications[0]!;
const three = trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }).applications[0]!;

describe('who votes on a region', () => {
  it('every other region, never the region itself', () => {
    expect(votersOf(three, 'us-east-1')).toEqual(['eu-west-1', 'ap-southeast-2']);
    expect(votersOf(two, 'eu-west-1')).toEqual(['us-east-1']);
  });

  it('all voters must agree by default; the config may ask for fewer, never more than there are', () => {
    expect(votesToEvacuate(three)).toBe(2);
    expect(votesToEvacuate(trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], votesToEvacuate: 1 }).applications[0]!)).toBe(1);
    expect(regionCheck(three, 'us-east-1', ['a', 'b'])).toEqual({ type: 'CALCULATED', childHealthChecks: ['a', 'b'], healthThreshold: 1, inverted: false });
  });
});

describe('what is out of DNS while a region serves', () => {
  it('failover routing: the primary only when the secondary serves; the secondary never (a dead primary would keep a stale vote on it)', () => {
    expect(evacuatedWhileServing(two, 'us-east-1')).toEqual([]);
    expect(evacuatedWhileServing(two, 'eu-west-1')).toEqual(['us-east-1']);
  });

  it('weighted routing: every region but the serving one', () => {
    expect(evacuatedWhileServing(three, 'eu-west-1')).toEqual(['us-east-1', 'ap-southeast-2']);
  });

  it("a stack votes from the intent on every region but its own; without one, as the primary's layout", () => {
    const intent = { app: 'shop', serving: 'eu-west-1', evacuated: ['us-east-1', 'ap-southeast-2'], runId: 'r1', at: 1 };
    expect(votesOf(three, intent, 'eu-west-1')).toEqual([
      { app: 'shop', region: 'us-east-1', evacuate: true },
      { app: 'shop', region: 'ap-southeast-2', evacuate: true },
    ]);
    expect(votesOf(three, undefined, 'us-east-1')).toEqual([
      { app: 'shop', region: 'eu-west-1', evacuate: true },
      { app: 'shop', region: 'ap-southeast-2', evacuate: true },
    ]);
  });
});

describe('the alarms, checks and records', () => {
  it("an alarm lives in the voter's region, on one vote per period, and keeps its state without data", () => {
    const alarm = voteAlarm(two, 'us-east-1', 'eu-west-1');
    expect(alarm).toMatchObject({ region: 'eu-west-1', name: 'failover-shop-evacuate-us-east-1', statistic: 'Maximum', periodSeconds: 60, threshold: 1, treatMissingData: 'ignore' });
    expect(alarm.dimensions).toEqual([
      { name: 'Application', value: 'shop' },
      { name: 'Region', value: 'us-east-1' },
    ]);
    expect(voteCheck(two, 'us-east-1', 'eu-west-1')).toEqual({ type: 'CLOUDWATCH_METRIC', alarmRegion: 'eu-west-1', alarmName: alarm.name, insufficientDataHealthStatus: 'LastKnownStatus', inverted: false });
  });

  it('a caller reference is stable for a spec, new for another, and fits Route 53 (at most 64 characters)', () => {
    const spec = voteCheck(two, 'us-east-1', 'eu-west-1');
    expect(callerReference('shop', 'us-east-1', 'vote-eu-west-1', spec)).toBe(callerReference('shop', 'us-east-1', 'vote-eu-west-1', spec));
    expect(callerReference('shop', 'us-east-1', 'vote-eu-west-1', { ...spec, inverted: true } as HealthCheckSpec)).not.toBe(callerReference('shop', 'us-east-1', 'vote-eu-west-1', spec));
    expect(callerReference('shop', 'us-east-1', 'vote-eu-west-1', spec).length).toBeLessThanOrEqual(64);
  });

  it('one record per region carrying its check: PRIMARY and SECONDARY for two, equal weights for more', () => {
    const records = switchRecords(two, { 'us-east-1': 'hc-1', 'eu-west-1': 'hc-2' });
    expect(records.map((r) => [r.setIdentifier, r.failover, r.healthCheckId, r.values[0]])).toEqual([
      ['us-east-1', 'PRIMARY', 'hc-1', 'shop-us-east-1.example.com'],
      ['eu-west-1', 'SECONDARY', 'hc-2', 'shop-eu-west-1.example.com'],
    ]);
    expect(switchRecords(three, {}).map((r) => r.weight)).toEqual([100, 100, 100]);
  });
});

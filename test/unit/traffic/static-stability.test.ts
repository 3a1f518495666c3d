import { describe, expect, it } from 'vitest';
import { staticStabilityFindings } from '../../../src/traffic/static-stability.js';
import { trafficConfig } from '../../support/traffic-config.js';

const pairs = (findings: ReturnType<typeof staticStabilityFindings>) => findings.map((f) => `${f.from}->${f.to} ${f.call}`);

describe('the static-stability check', () => {
  it('records mode: the failover away from us-east-1 needs the control plane that lives there', () => {
    expect(pairs(staticStabilityFindings(trafficConfig('records')))).toEqual(['us-east-1->eu-west-1 route53:ChangeResourceRecordSets, route53:GetChange']);
  });

  it('records mode without us-east-1: nothing', () => {
    expect(staticStabilityFindings(trafficConfig('records', { regions: ['eu-west-1', 'eu-central-1'] }))).toEqual([]);
  });

  it('routing-control: nothing on the path into the region being left', () => {
    expect(staticStabilityFindings(trafficConfig('routing-control'))).toEqual([]);
  });

  it('health-checks with two regions: away from us-east-1 is fine; back to it while eu-west-1 is lost is not (its only voter)', () => {
    const findings = staticStabilityFindings(trafficConfig('health-checks'));
    expect(pairs(findings)).toEqual(['eu-west-1->us-east-1 cloudwatch:PutMetricData (eu-west-1)']);
    expect(findings[0]!.fix).toMatch(/eu-west-1's stack is the only voter on us-east-1; use routing-control/);
  });

  it('an SNS topic in the region being left', () => {
    expect(pairs(staticStabilityFindings(trafficConfig('routing-control', { snsRegion: 'eu-west-1' })))).toEqual(['eu-west-1->us-east-1 sns:Publish']);
  });

  it('weighted with one vote enough: a lost voter’s stale vote keeps the target out of DNS', () => {
    const findings = staticStabilityFindings(trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], votesToEvacuate: 1 }));
    expect(findings.length).toBe(6);
    expect(findings[0]!.fix).toMatch(/votesToEvacuate of at least 2/);
    expect(staticStabilityFindings(trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }))).toEqual([]);
  });
});

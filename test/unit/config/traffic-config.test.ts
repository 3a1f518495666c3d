import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load-config.js';
import { controlArn, trafficConfig } from '../../support/traffic-config.js';

function shop(traffic: Record<string, unknown> | undefined, routing?: 'failover' | 'weighted', regions = ['us-east-1', 'eu-west-1']) {
  return {
    applications: [
      {
        name: 'shop',
        ...(traffic ? { traffic } : {}),
        regions: regions.map((name) => ({
          name,
          probes: [{ url: `https://${name}.example.com/health` }],
          database: { engine: 'rds', instanceId: `db-${name}` },
          compute: { autoScalingGroup: `web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com`, ...(routing ? { routing, setIdentifier: name } : {}) },
        })),
      },
    ],
  };
}

const messages = (input: unknown) => {
  try {
    validateConfig(input);
    return [];
  } catch (err) {
    return String(err).split('\n').slice(1);
  }
};

describe('the traffic section', () => {
  it('defaults to records, as before it existed', () => {
    expect(validateConfig(shop(undefined)).applications[0]!.traffic).toEqual({ mode: 'records' });
  });

  it('a data-plane mode needs records Route 53 chooses between: failover for two regions, weighted for more', () => {
    expect(messages(shop({ mode: 'health-checks' }))).toEqual([expect.stringMatching(/regions\[0\]\.dns\.routing: must be failover \(two regions\) or weighted/)]);
    expect(messages(shop({ mode: 'health-checks' }, 'failover', ['us-east-1', 'eu-west-1', 'ap-southeast-2']))).toEqual([expect.stringMatching(/must be weighted with 3 regions/)]);
    expect(messages(shop({ mode: 'health-checks' }, 'failover'))).toEqual([]);
  });

  it('routing-control needs a control for every region, and names one for an unknown region', () => {
    const cluster = [{ region: 'us-west-2', url: 'https://abcd.route53-recovery-cluster.us-west-2.amazonaws.com/v1' }];
    expect(messages(shop({ mode: 'routing-control' }, 'failover'))).toEqual([expect.stringMatching(/traffic\.routingControl: is required with mode routing-control/)]);
    expect(messages(shop({ mode: 'routing-control', routingControl: { clusterEndpoints: cluster, controls: { 'us-east-1': controlArn('us-east-1'), 'ap-south-1': controlArn('ap-south-1') } } }, 'failover'))).toEqual([
      expect.stringMatching(/controls: needs a routing control for eu-west-1/),
      expect.stringMatching(/controls\.ap-south-1: is not a region of shop/),
    ]);
    expect(trafficConfig('routing-control').applications[0]!.traffic.routingControl!.clusterEndpoints).toHaveLength(5);
  });

  it('names a bad mode, a bad control ARN and too many votes', () => {
    expect(messages(shop({ mode: 'dns' }, 'failover'))[0]).toMatch(/traffic\.mode: must be records, health-checks or routing-control/);
    expect(messages(shop({ mode: 'health-checks', votesToEvacuate: 2 }, 'failover'))).toEqual([expect.stringMatching(/votesToEvacuate: must be at most 1/)]);
    const bad = { mode: 'routing-control', routingControl: { clusterEndpoints: [{ region: 'us-west-2', url: 'https://x' }], controls: { 'us-east-1': 'arn:nope' } } };
    expect(messages(shop(bad, 'failover')).join('\n')).toMatch(/routing control ARN/);
  });
});

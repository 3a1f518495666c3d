import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';

/** Routing control ARNs of a control panel, one per region. */
export function controlArn(region: string): string {
  return `arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/${region.replace(/-/g, '')}`;
}

/**
 * A `shop` in `regions` (failover routing for two, weighted for more) with a
 * data-plane traffic switch: the configuration of the traffic tests.
 */
export function trafficConfig(mode: 'health-checks' | 'routing-control' | 'records', options: { regions?: string[]; votesToEvacuate?: number; snsRegion?: string } = {}): Config {
  const regions = options.regions ?? ['us-east-1', 'eu-west-1'];
  const routing = regions.length === 2 ? 'failover' : 'weighted';
  const controls = Object.fromEntries(regions.map((r) => [r, controlArn(r)]));
  const cluster = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'].map((region) => ({ region, url: `https://abcd.route53-recovery-cluster.${region}.amazonaws.com/v1` }));
  return validateConfig({
    ...(options.snsRegion ? { notifications: { snsTopicArn: `arn:aws:sns:${options.snsRegion}:111122223333:pages` } } : {}),
    applications: [
      {
        name: 'shop',
        traffic: {
          mode,
          ...(options.votesToEvacuate !== undefined ? { votesToEvacuate: options.votesToEvacuate } : {}),
          ...(mode === 'routing-control' ? { routingControl: { clusterEndpoints: cluster, controls } } : {}),
        },
        regions: regions.map((name) => ({
          name,
          probes: [{ url: `https://shop-${name}.example.com/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com`, ...(mode !== 'records' ? { routing, setIdentifier: name } : {}) },
        })),
      },
    ],
  });
}

import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';

/**
 * A two-region `shop` (us-east-1, eu-west-1) on RDS instances
 * (`shop-db-<region>`) or an Aurora global database (`shop-global`, clusters
 * `shop-<region>`), one Auto Scaling group and a CNAME per region: the
 * configuration of the database and leftovers tests.
 */
export function shopConfig(engine: 'rds' | 'aurora-global'): Config {
  return validateConfig({
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          probes: [{ url: `https://shop-${name}.example.com/health` }],
          database: engine === 'rds' ? { engine, instanceId: `shop-db-${name}` } : { engine, globalClusterId: 'shop-global', clusterId: `shop-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
}

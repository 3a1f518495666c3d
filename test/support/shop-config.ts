import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;

/** Each region's load balancer as the ELB API names it (no `dualstack.`), and its canonical hosted zone. */
export const SHOP_LB = { 'us-east-1': 'shop-use1-111.us-east-1.elb.amazonaws.com', 'eu-west-1': 'shop-euw1-222.eu-west-1.elb.amazonaws.com' } as const;
export const SHOP_LB_ZONE = { 'us-east-1': 'Z35SXDOTRQ7X7K', 'eu-west-1': 'Z32O12XQLNTSW2' } as const;

/** How the shop is laid out: its database engine, and its record (a CNAME, or an alias to each region's load balancer with `routing`). */
export interface ShopShape {
  engine?: 'rds' | 'aurora-global';
  alias?: { routing: 'simple' | 'weighted' | 'failover' };
  provider?: 'sim' | 'aws';
}

/**
 * A two-region `shop` (us-east-1, eu-west-1) on RDS instances
 * (`shop-db-<region>`) or an Aurora global database (`shop-global`, clusters
 * `shop-<region>`), one Auto Scaling group and one record per region: the
 * configuration of the database, DNS-guard and leftovers tests.
 */
export function shopConfig(engineOrShape: 'rds' | 'aurora-global' | ShopShape): Config {
  const shape: ShopShape = typeof engineOrShape === 'string' ? { engine: engineOrShape } : engineOrShape;
  const engine = shape.engine ?? 'rds';
  return validateConfig({
    ...(shape.provider ? { provider: shape.provider } : {}),
    applications: [
      {
        name: 'shop',
        regions: REGIONS.map((name) => ({
          name,
          probes: [{ url: `https://shop-${name}.example.com/health` }],
          database: engine === 'rds' ? { engine, instanceId: `shop-db-${name}` } : { engine, globalClusterId: 'shop-global', clusterId: `shop-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: shape.alias ? aliasDns(name, shape.alias.routing) : { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
}

function aliasDns(name: (typeof REGIONS)[number], routing: 'simple' | 'weighted' | 'failover') {
  const alias = { dnsName: SHOP_LB[name], hostedZoneId: SHOP_LB_ZONE[name] };
  return { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'A', alias, ...(routing !== 'simple' ? { routing, setIdentifier: name } : {}) };
}

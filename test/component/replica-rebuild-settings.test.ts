import { describe, expect, it } from 'vitest';
import { createSimProviders, type SimProviders } from '../../src/adapters/sim/sim-providers.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { AppConfig } from '../../src/config/types.js';
import { desiredRecords } from '../../src/dns/desired-records.js';
import { ownerRecordName, ownerValue } from '../../src/dns/record-switch.js';
import { runbook, sequence } from '../../src/runbook/step.js';
import { createReplica, retireStaleWriter } from '../../src/runbook/steps/replica-steps.js';
import { runDbSteps } from '../support/db-step-runner.js';
import { ManualClock } from '../support/manual-clock.js';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** Where the old primary lives: its VPC's subnet group, its security groups, its parameter group… */
const OLD_PRIMARY_SETTINGS = {
  subnetGroup: 'shop-use1-private',
  securityGroups: 'sg-0shopdb,sg-0shopadmin',
  parameterGroup: 'shop-postgres16',
  optionGroup: 'shop-postgres16-options',
  instanceClass: 'db.r6g.xlarge',
  storageType: 'gp3',
  iops: '12000',
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/rds-monitoring-role',
  deletionProtection: 'true',
  'tag:team': 'shop',
};

function app(kmsKeyId?: string): AppConfig {
  return validateConfig({
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          probes: [{ url: `https://shop-${name}.example.com/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}`, ...(kmsKeyId && name === 'us-east-1' ? { kmsKeyId } : {}) },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  }).applications[0]!;
}

/** The layout after an unplanned failover: eu-west-1 writes (DNS there), us-east-1's old writer is stale; both encrypted. */
function afterFailover(shop: AppConfig): { clock: ManualClock; sim: SimProviders } {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 5_000, replicaCreateMs: 60_000 }, random: () => 0.5 });
  const [use1, euw1] = shop.regions as [AppConfig['regions'][0], AppConfig['regions'][0]];
  sim.database.seed(use1.database, 'writer', undefined, { encrypted: true, allocatedStorageGiB: 500, settings: OLD_PRIMARY_SETTINGS });
  sim.database.seed(euw1.database, 'writer', undefined, { encrypted: true, allocatedStorageGiB: 500 });
  sim.dns.seed('Z0SHOP', [...desiredRecords(shop.regions, 'eu-west-1'), { name: ownerRecordName('shop.example.com.'), type: 'TXT', ttl: 300, values: [ownerValue('shop')] }]);
  return { clock, sim };
}

const rebuild = runbook(
  'rebuild',
  'Rebuild the original database as a replica',
  sequence(
    retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set the stale original database aside', side: 'to' }),
    createReplica({ id: 'create-original-replica', title: 'Rebuild the original database as a replica of the current writer', side: 'to' }),
  ),
);

describe('rebuilding a replica in place of a stale writer (simulated world; as RDS: CreateDBInstanceReadReplica takes nothing from the instance it replaces)', () => {
  it('refuses before the rename when the writer is encrypted and the region has no KMS key: the name keeps pointing at the old data', async () => {
    const shop = app();
    const { clock, sim } = afterFailover(shop);
    const { run } = await runDbSteps(rebuild, { app: shop, cloud: sim, clock, from: 1, to: 0 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/refusing to set aside rds:shop-db-us-east-1 \(us-east-1\): its replacement, a replica of the encrypted rds:shop-db-eu-west-1 \(eu-west-1\), needs a KMS key of us-east-1/);
    expect(sim.database.ids()).toContain('shop-db-us-east-1');
    expect(sim.cloud.calls.filter((c) => ['ModifyDBInstance', 'CreateDBInstanceReadReplica'].includes(c.operation))).toEqual([]);
  });

  it('the simulated RDS refuses the encrypted cross-region replica itself without a key, as AWS does', async () => {
    const shop = app();
    const { sim } = afterFailover(shop);
    await sim.database.retire(shop.regions[0]!.database, 'stale-1');
    await expect(sim.database.createReplica(shop.regions[0]!.database, shop.regions[1]!.database)).rejects.toThrow(
      /InvalidParameterCombination: Cannot create a cross region unencrypted read replica from encrypted source/,
    );
  });

  it('with the region’s KMS key: sets the old writer aside, and the new replica is encrypted and has its network, groups, class, storage and tags', async () => {
    const shop = app(KEY);
    const { clock, sim } = afterFailover(shop);
    const { run, journal } = await runDbSteps(rebuild, { app: shop, cloud: sim, clock, from: 1, to: 0 });
    expect(run.status, run.error).toBe('succeeded');
    expect(journal.find((e) => e.type === 'act-succeeded' && e.stepId === 'retire-stale-original-database')?.data).toMatchObject({ retiredAs: 'shop-db-us-east-1-stale-0000db01' });
    const replica = sim.database.inspect(shop.regions[0]!.database)!;
    expect(replica).toMatchObject({ role: 'replica', sourceId: 'shop-db-eu-west-1', encrypted: true, status: 'available', settings: OLD_PRIMARY_SETTINGS });
    // The old data stays, under its new name, with its own settings.
    expect(sim.database.inspect({ engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-us-east-1-stale-0000db01' })).toMatchObject({ role: 'writer', settings: OLD_PRIMARY_SETTINGS });
  });

  it('a run resumed between the two steps finds the settings in the set-aside instance (the world keeps them, not the journal)', async () => {
    const shop = app(KEY);
    const { clock, sim } = afterFailover(shop);
    const retireOnly = runbook('retire', 'Retire', retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set aside', side: 'to' }));
    const createOnly = runbook('create', 'Create', createReplica({ id: 'create-original-replica', title: 'Rebuild', side: 'to' }));
    expect((await runDbSteps(retireOnly, { app: shop, cloud: sim, clock, from: 1, to: 0, runId: 'run-resumed1' })).run.status).toBe('succeeded');
    // Another process, with nothing of the first one's memory, goes on with the same run.
    const { run } = await runDbSteps(createOnly, { app: shop, cloud: sim, clock, from: 1, to: 0, runId: 'run-resumed1' });
    expect(run.status, run.error).toBe('succeeded');
    expect(sim.database.inspect(shop.regions[0]!.database)).toMatchObject({ role: 'replica', settings: OLD_PRIMARY_SETTINGS });
  });

  it('refuses to create a replica in the default network when there is no set-aside instance to copy from', async () => {
    const shop = app(KEY);
    const { clock, sim } = afterFailover(shop);
    const createOnly = runbook('create', 'Create', createReplica({ id: 'create-original-replica', title: 'Rebuild', side: 'to' }));
    await sim.database.retire(shop.regions[0]!.database, 'stale-by-hand');
    const { run } = await runDbSteps(createOnly, { app: shop, cloud: sim, clock, from: 1, to: 0 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/the instance it replaces, set aside as shop-db-us-east-1-stale-0000db01, is not in us-east-1/);
  });
});

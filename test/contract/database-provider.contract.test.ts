import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../src/adapters/aws/rds-database.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import type { DatabaseRef } from '../../src/ports/database-provider.js';
import { FakeRds, type FakeInstanceSettings } from '../support/fake-rds.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeAuroraContract } from './database-provider-aurora.contract.js';
import { describeDatabaseProviderContract } from './database-provider.contract.js';
import { describeRdsInstanceContract } from './database-provider-rds.contract.js';

const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };
const ENCRYPTED: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'contract-enc-writer' };

const AURORA_WRITER: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: 'shop-global', clusterId: 'shop-use1' };
const AURORA_REPLICA: DatabaseRef = { engine: 'aurora-global', region: 'eu-west-1', globalClusterId: 'shop-global', clusterId: 'shop-euw1' };
const ODD_WRITER: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: 'odd-global', clusterId: 'odd-use1' };
const ODD_REPLICA: DatabaseRef = { engine: 'aurora-global', region: 'eu-west-1', globalClusterId: 'odd-global', clusterId: 'odd-euw1' };

/** What the standby replica is set up with: what a replica rebuilt in its place must have. */
const REPLICA_SETTINGS: FakeInstanceSettings = {
  instanceClass: 'db.r6g.large',
  subnetGroup: 'shop-euw1-private',
  securityGroups: ['sg-0shopdb', 'sg-0shopadmin'],
  parameterGroup: 'shop-postgres16',
  optionGroup: 'shop-postgres16-options',
  storageType: 'gp3',
  iops: 12000,
  monitoringInterval: 60,
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/rds-monitoring-role',
  performanceInsights: true,
  deletionProtection: true,
  tags: { team: 'shop', 'cost-center': '42' },
};
const WRITER_FACTS = { backupRetention: 7, backupWindow: '03:00-03:30', multiAz: true };

/** The settings as a flat record of strings: how the simulation keeps them, and how the fake's are compared. */
function flat(settings: FakeInstanceSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'tags') {
      for (const [tag, v] of Object.entries(value as Record<string, string>)) if (tag !== 'failover-controller:writer-settings') out[`tag:${tag}`] = v;
    } else out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

function idOf(ref: DatabaseRef): string {
  return ref.engine === 'rds' ? ref.instanceId : ref.clusterId;
}

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeDatabaseProviderContract('SimDatabase', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 5_000, replicaCreateMs: 6_000 }, random: () => 0.5 });
  sim.database.seed(WRITER, 'writer');
  sim.database.seed(REPLICA, 'replica', WRITER);
  return { db: sim.database, refs: { writer: WRITER, replica: REPLICA }, advance: (ms) => clock.advance(ms), close: () => {} };
});

describeDatabaseProviderContract('RdsDatabase on a fake RDS', () => {
  const clock = new ManualClock();
  const fake = new FakeRds({
    regions: [WRITER.region, REPLICA.region],
    now: () => clock.now(),
    delays: { promoteAcceptMs: 20_000, promoteMs: 5 * 60_000, replicaCreateMs: 15 * 60_000, renameMs: 60_000 },
  }).install();
  fake.addWriter('us-east-1', 'shop-db-use1');
  fake.addReplica('eu-west-1', 'shop-db-euw1', { region: 'us-east-1', id: 'shop-db-use1' });
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    db: new RdsDatabase(clients, { clock }),
    refs: { writer: WRITER, replica: REPLICA },
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
  };
});

describeRdsInstanceContract('SimDatabase', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 5_000, replicaCreateMs: 6_000 }, random: () => 0.5 });
  sim.database.postPromotionBackupMs = 2 * 60_000;
  sim.database.seed(WRITER, 'writer', undefined, { backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
  sim.database.seed(REPLICA, 'replica', WRITER, { backupRetentionDays: 0, multiAz: false, settings: flat(REPLICA_SETTINGS) });
  sim.database.seed(ENCRYPTED, 'writer', undefined, { encrypted: true, backupRetentionDays: 7 });
  return {
    db: sim.database,
    refs: { writer: WRITER, replica: REPLICA, encryptedWriter: ENCRYPTED },
    advance: (ms) => clock.advance(ms),
    startBackup: (ref, ms) => sim.database.startBackup(ref, ms),
    settingsOf: (ref) => sim.database.inspect(ref)?.settings,
    close: () => {},
  };
});

describeRdsInstanceContract('RdsDatabase on a fake RDS', () => {
  const clock = new ManualClock();
  const fake = new FakeRds({
    regions: [WRITER.region, REPLICA.region],
    now: () => clock.now(),
    delays: { promoteAcceptMs: 20_000, promoteMs: 5 * 60_000, postPromotionBackupMs: 10 * 60_000, replicaCreateMs: 15 * 60_000, renameMs: 60_000 },
  }).install();
  fake.addWriter('us-east-1', 'shop-db-use1', WRITER_FACTS);
  fake.addReplica('eu-west-1', 'shop-db-euw1', { region: 'us-east-1', id: 'shop-db-use1' }, { settings: REPLICA_SETTINGS });
  fake.addWriter('us-east-1', 'contract-enc-writer', { encrypted: true, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    db: new RdsDatabase(clients, { clock }),
    refs: { writer: WRITER, replica: REPLICA, encryptedWriter: ENCRYPTED },
    advance: (ms) => clock.advance(ms),
    startBackup: (ref, ms) => fake.startBackup(ref.region, idOf(ref), ms),
    settingsOf: (ref) => {
      const found = fake.instance(ref.region, idOf(ref));
      return found ? flat(found.settings) : undefined;
    },
    close: () => {
      fake.close();
      clients.destroy();
    },
  };
});

describeAuroraContract('SimDatabase', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 5_000, replicaCreateMs: 6_000 }, random: () => 0.5 });
  sim.database.seed(AURORA_WRITER, 'writer', undefined, { engineVersion: '16.4' });
  sim.database.seed(AURORA_REPLICA, 'replica', AURORA_WRITER, { engineVersion: '16.4' });
  sim.database.seed(ODD_WRITER, 'writer', undefined, { engineVersion: '16.4' });
  sim.database.seed(ODD_REPLICA, 'replica', ODD_WRITER, { engineVersion: '16.2' });
  return {
    db: sim.database,
    refs: { writer: AURORA_WRITER, replica: AURORA_REPLICA, oddReplica: ODD_REPLICA },
    advance: (ms) => clock.advance(ms),
    setRegionDown: (region, down) => sim.cloud.setRegionAvailable(region, !down),
    close: () => {},
  };
});

describeAuroraContract('RdsDatabase on a fake RDS (Aurora)', () => {
  const clock = new ManualClock();
  const fake = new FakeRds({
    regions: ['us-east-1', 'eu-west-1'],
    now: () => clock.now(),
    delays: { promoteAcceptMs: 20_000, promoteMs: 5 * 60_000, replicaCreateMs: 15 * 60_000, renameMs: 60_000 },
  }).install();
  fake.aurora.addGlobal('shop-global', '16.4', [
    { region: 'us-east-1', id: 'shop-use1' },
    { region: 'eu-west-1', id: 'shop-euw1' },
  ]);
  fake.aurora.addGlobal('odd-global', '16.4', [
    { region: 'us-east-1', id: 'odd-use1' },
    { region: 'eu-west-1', id: 'odd-euw1', engineVersion: '16.2' },
  ]);
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    db: new RdsDatabase(clients, { clock }),
    refs: { writer: AURORA_WRITER, replica: AURORA_REPLICA, oddReplica: ODD_REPLICA },
    advance: (ms) => clock.advance(ms),
    setRegionDown: (region, down) => fake.setRegionDown(region, down),
    close: () => {
      fake.close();
      clients.destroy();
    },
  };
});

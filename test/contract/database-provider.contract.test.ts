import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../src/adapters/aws/rds-database.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import type { DatabaseRef } from '../../src/ports/database-provider.js';
import { FakeRds } from '../support/fake-rds.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeDatabaseProviderContract } from './database-provider.contract.js';

const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };

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

import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { ElastiCacheGlobalDatastore } from '../../src/adapters/aws/elasticache-global.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeElastiCache } from '../support/fake-elasticache.js';
import { ManualClock } from '../support/manual-clock.js';
import { CONTRACT_DATASTORE, describeGlobalCacheProviderContract } from './global-cache-provider.contract.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const members = () => CONTRACT_DATASTORE.members.map((m) => ({ ...m }));

describeGlobalCacheProviderContract('SimGlobalCache', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { cacheFailoverMs: 60_000 } });
  sim.cache.seed(CONTRACT_DATASTORE.id, members());
  return {
    cache: sim.cache,
    advance: (ms) => clock.advance(ms),
    close: () => {},
    world: {
      regionDown: (region) => sim.cloud.setRegionAvailable(region, false),
      regionUp: (region) => sim.cloud.setRegionAvailable(region, true),
    },
  };
});

describeGlobalCacheProviderContract('ElastiCacheGlobalDatastore on a fake ElastiCache', () => {
  const clock = new ManualClock();
  const fake = new FakeElastiCache({ regions: ['us-east-1', 'eu-west-1'], now: () => clock.now(), failoverMs: 5 * 60_000 }).install();
  fake.addDatastore(CONTRACT_DATASTORE.id, members());
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    cache: new ElastiCacheGlobalDatastore(clients),
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
    world: { regionDown: (region) => fake.takeDown(region), regionUp: (region) => fake.bringUp(region) },
  };
});

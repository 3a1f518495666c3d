import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { EcsServices } from '../../src/adapters/aws/ecs-services.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeEcs } from '../support/fake-ecs.js';
import { ManualClock } from '../support/manual-clock.js';
import { CONTRACT_SERVICE, describeEcsProviderContract } from './ecs-provider.contract.js';

const REGION = 'eu-west-1';
const REF = { region: REGION, cluster: 'shop', service: 'web' };

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeEcsProviderContract('SimEcs', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { taskStartMs: 15_000, taskStopMs: 5_000 } });
  sim.ecs.seed(REF, CONTRACT_SERVICE);
  return {
    ecs: sim.ecs,
    ref: REF,
    advance: (ms) => clock.advance(ms),
    close: () => {},
    world: { regionDown: () => sim.cloud.setRegionAvailable(REGION, false), regionUp: () => sim.cloud.setRegionAvailable(REGION, true) },
  };
});

describeEcsProviderContract('EcsServices on a fake ECS', () => {
  const clock = new ManualClock();
  const fake = new FakeEcs({ region: REGION, now: () => clock.now(), startMs: 40_000, stopMs: 30_000 }).install();
  fake.addService(REF.cluster, REF.service, CONTRACT_SERVICE);
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    ecs: new EcsServices(clients),
    ref: REF,
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
    world: { regionDown: () => fake.takeDown(), regionUp: () => fake.bringUp() },
  };
});

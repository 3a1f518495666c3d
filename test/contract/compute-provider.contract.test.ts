import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { AutoScalingCompute } from '../../src/adapters/aws/autoscaling-compute.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeAutoScaling } from '../support/fake-autoscaling.js';
import { ManualClock } from '../support/manual-clock.js';
import { CONTRACT_GROUP, describeComputeProviderContract } from './compute-provider.contract.js';

const REGION = 'us-west-2';
const GROUP = 'shop-web-usw2';

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeComputeProviderContract('SimCompute', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { instanceBootMs: 3_000 }, random: () => 0.5 });
  const ref = { region: REGION, groupName: GROUP };
  sim.compute.seed(ref, CONTRACT_GROUP.minSize, CONTRACT_GROUP.maxSize);
  return {
    compute: sim.compute,
    ref,
    advance: (ms) => clock.advance(ms),
    close: () => {},
    world: {
      limitLaunches: (max, message) => sim.compute.setLaunchLimit(ref, max, message),
      suspend: (process) => sim.compute.suspendProcesses(ref, [process]),
      resume: (process) => sim.compute.resumeProcesses(ref, [process]),
      weigh: (weight) => sim.compute.setInstanceWeight(ref, weight),
      holdTerminations: (ms) => sim.compute.setTerminateHook(ref, ms),
    },
  };
});

describeComputeProviderContract('AutoScalingCompute on a fake Auto Scaling', () => {
  const clock = new ManualClock();
  const fake = new FakeAutoScaling({ region: REGION, now: () => clock.now(), bootMs: 90_000, terminateMs: 60_000 }).install();
  fake.addGroup({ name: GROUP, ...CONTRACT_GROUP });
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    compute: new AutoScalingCompute(clients),
    ref: { region: REGION, groupName: GROUP },
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
    world: {
      limitLaunches: (max, message) => fake.setLaunchLimit(GROUP, max, message),
      suspend: (process) => fake.suspendProcesses(GROUP, [process]),
      resume: (process) => fake.resumeProcesses(GROUP, [process]),
      weigh: (weight) => fake.setInstanceWeight(GROUP, weight),
      holdTerminations: (ms) => fake.setTerminateHook(GROUP, ms),
    },
  };
});

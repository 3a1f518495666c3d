import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { ArcRoutingControls } from '../../src/adapters/aws/arc-routing-controls.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeArcCluster } from '../support/fake-arc-cluster.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeRoutingControlContract } from './routing-control.contract.js';

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeRoutingControlContract('SimRoutingControls', async ({ endpoints, random }) => {
  const sim = createSimProviders({ clock: new ManualClock(), random });
  return {
    api: sim.routingControls.cluster(endpoints),
    seed: async (arn, state) => sim.routingControls.seed(arn, state),
    // A down region's endpoint refuses at once; the sim has one way for an endpoint to be away.
    takeDown: (region) => sim.cloud.setRegionAvailable(region, false),
    bringUp: (region) => sim.cloud.setRegionAvailable(region, true),
    throttleNext: () => void sim.cloud.injectFault({ operation: '*', kind: 'transient', times: 1 }),
    asked: () => sim.cloud.calls.filter((c) => c.service === 'arc').map((c) => c.region ?? '?'),
    close: async () => {},
  };
});

describeRoutingControlContract('ArcRoutingControls on a fake ARC cluster', async ({ endpoints, random }) => {
  const fake = new FakeArcCluster(endpoints).install();
  const api = new ArcRoutingControls(endpoints, random, { credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  return {
    api,
    seed: async (arn, state) => fake.seed(arn, state),
    takeDown: (region, how) => fake.takeDown(region, how),
    bringUp: (region) => fake.bringUp(region),
    throttleNext: () => fake.throttleNext(),
    asked: () => fake.calls.map((c) => c.region),
    close: async () => {
      api.destroy();
      fake.close();
    },
  };
});

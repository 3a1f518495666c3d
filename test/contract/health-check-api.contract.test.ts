import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { Route53HealthChecks } from '../../src/adapters/aws/route53-health-checks.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import type { HealthCheckSpec } from '../../src/ports/traffic-switch.js';
import { FakeRoute53 } from '../support/fake-route53.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeHealthCheckApiContract, type HealthCheckApiContractFixture } from './health-check-api.contract.js';

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Every implementation of the port, each on a fresh world. */
const implementations: Record<string, () => Promise<HealthCheckApiContractFixture>> = {
  SimHealthChecks: async () => {
    const sim = createSimProviders({ clock: new ManualClock(), random: () => 0.5 });
    return {
      api: sim.healthChecks,
      // The world's embedded authoritative server is the zone's delegation set.
      seedZone: async (zone, nameServers) => sim.healthChecks.setNameServers(zone, nameServers),
      close: async () => {},
    };
  },
  'Route53HealthChecks on a fake Route 53': async () => {
    const clock = new ManualClock();
    // Ten checks a page at most, so listing the contract's many checks follows NextMarker.
    const fake = new FakeRoute53({ now: () => clock.now(), propagationMs: 30_000, healthCheckPageSize: 10 }).install();
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    return {
      // The limiter has its own unit test; here it must not wait on a clock only the test moves.
      api: new Route53HealthChecks(clients, { clock, requestsPerSecond: 1_000 }),
      seedZone: async (zone, nameServers) => fake.delegate(zone, nameServers),
      close: async () => {
        fake.close();
        clients.destroy();
      },
    };
  },
};

for (const [name, setup] of Object.entries(implementations)) {
  describeHealthCheckApiContract(name, setup);

  // Belongs in the shared suite (health-check-api.contract.ts); kept here until its owner moves it.
  describe(`HealthCheckApi contract, settings compared by value: ${name}`, () => {
    let f: HealthCheckApiContractFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(async () => {
      await f.close();
    });

    it('the same settings with their fields in another order are the same check (Route 53 compares settings, not text)', async () => {
      const spec: HealthCheckSpec = {
        type: 'CLOUDWATCH_METRIC',
        alarmRegion: 'eu-west-1',
        alarmName: 'failover-shop-evacuate-us-east-1',
        insufficientDataHealthStatus: 'LastKnownStatus',
        inverted: false,
      };
      const reordered: HealthCheckSpec = {
        inverted: false,
        insufficientDataHealthStatus: 'LastKnownStatus',
        alarmName: 'failover-shop-evacuate-us-east-1',
        alarmRegion: 'eu-west-1',
        type: 'CLOUDWATCH_METRIC',
      };
      const first = await f.api.createHealthCheck('contract-field-order', spec);
      expect(await f.api.createHealthCheck('contract-field-order', reordered)).toEqual(first);
      expect((await f.api.listHealthChecks()).filter((c) => c.callerReference === 'contract-field-order')).toEqual([first]);
    });
  });
}

import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { Route53Dns } from '../../src/adapters/aws/route53-dns.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeRoute53 } from '../support/fake-route53.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeDnsProviderContract } from './dns-provider.contract.js';

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeDnsProviderContract('SimDns', async () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { dnsPropagationMs: 2_000 }, random: () => 0.5 });
  return {
    dns: sim.dns,
    seed: async (zone, records) => sim.dns.seed(zone, records),
    advance: (ms) => clock.advance(ms),
    loseNextChangeAnswer: (what) => sim.dns.loseNextChangeAnswer(what),
    throttleNext: (operation) => void sim.cloud.injectFault({ operation, kind: 'transient', times: 1 }),
    close: async () => {},
  };
});

for (const shape of ['error-response', 'legacy'] as const) {
  describeDnsProviderContract(`Route53Dns on a fake Route 53 (InvalidChangeBatch as ${shape})`, async () => {
    const clock = new ManualClock();
    // Two record sets per page, so listing a name pages through NextRecordName/Type.
    const fake = new FakeRoute53({ now: () => clock.now(), propagationMs: 30_000, pageSize: 2, invalidChangeBatchShape: shape }).install();
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    return {
      // The limiter has its own unit test; here it must not wait on a clock only the test moves.
      dns: new Route53Dns(clients, { clock, requestsPerSecond: 1_000 }),
      seed: async (zone, records) => fake.seed(zone, records),
      advance: (ms) => clock.advance(ms),
      loseNextChangeAnswer: (what) => fake.loseNextChangeAnswer(what),
      throttleNext: (operation) => fake.refuseNext(operation, 400, 'Throttling', 'Rate exceeded'),
      close: async () => {
        fake.close();
        clients.destroy();
      },
    };
  });
}

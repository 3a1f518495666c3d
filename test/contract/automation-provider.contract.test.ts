import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { SsmAutomation } from '../../src/adapters/aws/ssm-automation.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeSsm } from '../support/fake-ssm.js';
import { ManualClock } from '../support/manual-clock.js';
import { CONTRACT_DOCUMENTS, describeAutomationProviderContract } from './automation-provider.contract.js';

const REGION = 'eu-west-1';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** A document as both seeds take it. */
type DocumentSeed = { durationMs: number; outcome: 'Success' | 'Failed'; failureMessage?: string; outputs?: Record<string, string[]> };

/** The contract's documents as the seeds take them (mutable copies of its constants). */
const documents = () =>
  Object.values(CONTRACT_DOCUMENTS).map(({ name, ...seed }) => ({ name, seed: structuredClone(seed) as DocumentSeed }));

describeAutomationProviderContract('SimAutomation', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock });
  for (const { name, seed } of documents()) sim.automation.seedDocument(REGION, name, seed);
  return {
    automation: sim.automation,
    region: REGION,
    advance: (ms) => clock.advance(ms),
    close: () => {},
    world: {
      executionsOf: (document) => sim.automation.executionsOf(REGION, document),
      regionDown: () => sim.cloud.setRegionAvailable(REGION, false),
      regionUp: () => sim.cloud.setRegionAvailable(REGION, true),
    },
  };
});

describeAutomationProviderContract('SsmAutomation on a fake SSM', () => {
  const clock = new ManualClock();
  const fake = new FakeSsm({ region: REGION, now: () => clock.now() }).install();
  for (const { name, seed } of documents()) fake.addDocument(name, seed);
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    automation: new SsmAutomation(clients),
    region: REGION,
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
    world: { executionsOf: (document) => fake.executionsOf(document), regionDown: () => fake.takeDown(), regionUp: () => fake.bringUp() },
  };
});

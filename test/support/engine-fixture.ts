import { validateConfig } from '../../src/config/load-config.js';
import type { Clock } from '../../src/ports/clock.js';
import type { CloudProviders } from '../../src/ports/providers.js';
import type { RunContext } from '../../src/runbook/engine.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';

/** A two-region application for engine tests whose steps never touch the cloud. */
export const testApp = validateConfig({
  applications: [
    {
      name: 'shop',
      regions: ['us-east-1', 'eu-west-1'].map((name) => ({
        name,
        probes: [{ url: `http://127.0.0.1:1/${name}` }],
        database: { engine: 'rds', instanceId: `db-${name}` },
        compute: { autoScalingGroup: `asg-${name}`, standbyCapacity: 1, activeCapacity: 2 },
        dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com` },
      })),
    },
  ],
}).applications[0]!;

/** The run context of an engine test: us-east-1 → eu-west-1, no cloud, no probes. */
export function testContext(clock: Clock): RunContext {
  return { app: testApp, from: testApp.regions[0]!, to: testApp.regions[1]!, cloud: {} as CloudProviders, fences: new MemoryStateStore(), prober: { round: async () => [] }, clock };
}

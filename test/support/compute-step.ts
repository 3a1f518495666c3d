import { pino } from 'pino';
import { validateConfig } from '../../src/config/load-config.js';
import type { AppConfig } from '../../src/config/types.js';
import type { Clock } from '../../src/ports/clock.js';
import type { ComputeProvider } from '../../src/ports/compute-provider.js';
import type { CloudProviders } from '../../src/ports/providers.js';
import type { RunbookNode, StepContext, StepDefinition } from '../../src/runbook/step.js';
import { runFixture } from './run-fixture.js';

/** The groups of {@link computeApp}: `shop-web-<region>` in us-east-1 (from) and eu-west-1 (to). */
export const FROM = 'us-east-1';
export const TO = 'eu-west-1';

/** A two-region application whose regions' compute is `compute` over a default of standby 1, active 10. */
export function computeApp(compute: Record<string, unknown> = {}): AppConfig {
  return validateConfig({
    applications: [
      {
        name: 'shop',
        regions: [FROM, TO].map((name) => ({
          name,
          probes: [{ url: `http://127.0.0.1:1/${name}` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 10, ...compute },
          dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  }).applications[0]!;
}

/** A step context of a run from us-east-1 to eu-west-1 whose only cloud is `compute`; the step started at `startedAt`. */
export function computeContext(options: { app: AppConfig; compute: ComputeProvider; clock: Clock; stepId: string; startedAt?: number }): StepContext {
  const { app, clock } = options;
  return {
    run: runFixture({ steps: [{ id: options.stepId, title: options.stepId, status: 'running', startedAt: options.startedAt ?? clock.now() }] }),
    app,
    from: app.regions[0]!,
    to: app.regions[1]!,
    cloud: { compute: options.compute } as unknown as CloudProviders,
    prober: { round: async () => [] },
    clock,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    actInFlight: false,
  };
}

/** The definition inside a one-step node. */
export function definitionOf(node: RunbookNode): StepDefinition {
  if (node.kind !== 'step') throw new Error('not a step');
  return node.step;
}

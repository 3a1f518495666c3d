/**
 * The controller composed as src/local/start-local.ts composes it, on the
 * simulated world with its endpoints on ephemeral loopback ports, but with
 * the in-memory state store (so a benchmark measures the controller, not
 * dynalite) and a silent logger.
 */
import { pino } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import type { SimDelays } from '../../src/adapters/sim/sim-cloud.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { AppPolicy, Config } from '../../src/config/types.js';
import { Controller } from '../../src/controller/controller.js';
import type { Clock } from '../../src/ports/clock.js';
import type { Prober } from '../../src/ports/prober.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { ProbeResult, ProbeTarget } from '../../src/probes/types.js';
import type { MoveKind, RunbookCatalog } from '../../src/runbook/runbook-catalog.js';
import type { Runbook } from '../../src/runbook/step.js';
import type { RegionalEndpoint } from '../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../src/sim/sim-world.js';

export const REGIONS = ['us-east-1', 'eu-west-1'];

/** A prober that notes when each round starts (real time, performance.now()). */
export class TimedProber implements Prober {
  readonly roundStarts: number[] = [];
  constructor(readonly inner: HttpProber) {}
  round(targets: ProbeTarget[]): Promise<ProbeResult[]> {
    this.roundStarts.push(performance.now());
    return this.inner.round(targets);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface SimController {
  config: Config;
  world: SimWorld;
  store: MemoryStateStore;
  controller: Controller;
  prober: TimedProber;
  endpoints: RegionalEndpoint[];
  close(): Promise<void>;
}

/** Endpoints, the simulated cloud, the memory store and an initialised (not started) controller. */
export async function startSimController(options: {
  clock: Clock;
  policy?: Partial<AppPolicy>;
  delays?: Partial<SimDelays>;
  store?: MemoryStateStore;
  runbooks?: RunbookCatalog | Record<MoveKind, Runbook>;
}): Promise<SimController> {
  const endpoints = await Promise.all(REGIONS.map((r) => SimWorld.endpoint(r)));
  const config = validateConfig({
    provider: 'sim',
    probeConcurrency: 64,
    applications: [
      {
        name: 'shop',
        policy: { probeIntervalSeconds: 1, fallThreshold: 3, riseThreshold: 3, rtoSeconds: 120, rpoSeconds: 30, cooldownSeconds: 600, ...options.policy },
        regions: REGIONS.map((name, i) => ({
          name,
          probes: [{ url: endpoints[i]!.url('/health'), expectStatus: 200, bodyMatch: '"status":"ok"', timeoutMs: 1000 }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
          dns: { hostedZoneId: 'Z0BENCH', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com`, ttl: 60 },
        })),
      },
    ],
  });
  const world = SimWorld.attach(config, endpoints, { clock: options.clock, ...(options.delays ? { delays: options.delays } : {}) });
  const prober = new TimedProber(new HttpProber({ clock: options.clock, concurrency: config.probeConcurrency }));
  const store = options.store ?? new MemoryStateStore();
  const controller = new Controller({ config, clock: options.clock, store, cloud: world.providers, prober, log: pino({ level: 'silent' }), runbooks: options.runbooks ?? runbooks });
  await controller.init();
  return {
    config,
    world,
    store,
    controller,
    prober,
    endpoints,
    async close() {
      await controller.stop();
      await controller.settled();
      await prober.close();
      await world.stop();
    },
  };
}

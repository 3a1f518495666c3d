import { pino } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { buildApp } from '../../src/api/build-app.js';
import { PromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { AppPolicy, Config } from '../../src/config/types.js';
import { Controller } from '../../src/controller/controller.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { SimDelays } from '../../src/adapters/sim/sim-cloud.js';
import type { RegionalEndpoint } from '../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { ManualClock } from './manual-clock.js';
import { FanoutNotifier, MemoryNotifier } from '../../src/adapters/notify/fanout-notifier.js';
import type { Notifier } from '../../src/ports/notifier.js';
import { testApiConfig } from './auth.js';
import { swaggerUiDocs } from '../../src/api/openapi/swagger-ui.js';
import type { MoveKind, RunbookCatalog } from '../../src/runbook/runbook-catalog.js';
import type { Runbook } from '../../src/runbook/step.js';
import { heartbeatReadsInFlight } from '../../src/lag/heartbeat-reader.js';

/** Options of a simulated-world harness. */
export interface HarnessOptions {
  regions?: string[];
  policy?: Partial<AppPolicy>;
  delays?: Partial<SimDelays>;
  probeTimeoutMs?: number;
  /** Randomness of flapping endpoints. */
  random?: () => number;
  /** Share of requests a flapping endpoint fails (default 0.5). */
  flapFailureRatio?: number;
  /** Randomness of the simulated cloud's probabilistic faults. */
  cloudRandom?: () => number;
  slowDelayMs?: number;
  /** DNS routing of the application's record (default simple). */
  dnsRouting?: 'simple' | 'weighted' | 'failover';
  /** Start a witness endpoint outside the application and probe it. */
  witness?: boolean;
  /** Requests per probe per round (the config's default, 3, when not set). */
  probeAttempts?: number;
  /** Where notifications go besides `notifier` (the MemoryNotifier every harness has), e.g. one that never answers. */
  extraNotifier?: Notifier;
  /** The runbooks the controller runs (default: the built-in ones). */
  runbooks?: RunbookCatalog | Record<MoveKind, Runbook>;
  /** The application's `fence` section (default: the config's defaults). */
  fence?: { planned?: 'both' | 'compute' | 'epoch'; network?: boolean };
  /** The databases' engine family (`database.engineFamily`); unset by default. */
  engineFamily?: 'mysql' | 'postgres';
  /** Read lag from the heartbeat: each region's endpoint serves `/replication` (`database.lag.source: heartbeat`). */
  heartbeat?: boolean;
  /** The application's `traffic` section; a data-plane mode needs failover or weighted routing (failover by default then). */
  traffic?: Record<string, unknown>;
  /** Serve the zone over real DNS from the world's embedded authoritative server (on with `traffic`). */
  nameServer?: boolean;
  /** Record metrics in a Prometheus registry (`h.metrics`), served by the API at GET /metrics. */
  metrics?: boolean;
}

/** The controller wired to the simulated world, in simulated time, with the real prober on loopback. */
export interface Harness {
  clock: ManualClock;
  config: Config;
  world: SimWorld;
  store: MemoryStateStore;
  controller: Controller;
  endpoints: RegionalEndpoint[];
  /** The witness endpoint, when asked for. */
  witness?: RegionalEndpoint;
  /** Every notification the controller sent. */
  notifier: MemoryNotifier;
  prober: HttpProber;
  /** The controller's metrics, when asked for. */
  metrics?: PromMetrics;
  /** Build the API over the same controller (for tests that drive it over HTTP), auth on with the tokens of test/support/auth.ts. */
  api(): ReturnType<typeof buildApp>;
  close(): Promise<void>;
}

/** Start the simulated world (endpoints on ephemeral loopback ports) and a controller in simulated time. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const regions = options.regions ?? ['us-east-1', 'eu-west-1'];
  const dataPlane = options.traffic !== undefined && options.traffic['mode'] !== 'records';
  const dnsRouting = options.dnsRouting ?? (dataPlane ? (regions.length === 2 ? 'failover' : 'weighted') : undefined);
  const endpoints = await Promise.all(regions.map((r) => SimWorld.endpoint(r, { slowDelayMs: options.slowDelayMs ?? 2_000, ...(options.random ? { random: options.random } : {}), ...(options.flapFailureRatio !== undefined ? { flapFailureRatio: options.flapFailureRatio } : {}) })));
  const witness = options.witness ? await SimWorld.endpoint('witness') : undefined;
  const config = validateConfig({
    provider: 'sim',
    api: testApiConfig,
    ...(witness ? { witness: [{ url: witness.url('/'), timeoutMs: options.probeTimeoutMs ?? 500 }] } : {}),
    applications: [
      {
        name: 'shop',
        ...(options.fence ? { fence: options.fence } : {}),
        ...(options.traffic ? { traffic: options.traffic } : {}),
        policy: { probeIntervalSeconds: 5, fallThreshold: 3, riseThreshold: 3, rtoSeconds: 300, rpoSeconds: 60, ...options.policy },
        regions: regions.map((name, i) => ({
          name,
          probes: [{ url: endpoints[i]!.url('/health'), bodyMatch: '"status":"ok"', timeoutMs: options.probeTimeoutMs ?? 500, ...(options.probeAttempts ? { attempts: options.probeAttempts } : {}) }],
          database: {
            engine: 'rds',
            instanceId: `shop-db-${name}`,
            ...(options.engineFamily ? { engineFamily: options.engineFamily } : {}),
            ...(options.heartbeat ? { lag: { source: 'heartbeat', url: endpoints[i]!.url('/replication') } } : {}),
          },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
          dns: {
            hostedZoneId: 'Z0TEST',
            recordName: 'shop.example.com',
            type: 'CNAME',
            value: `shop-${name}.example.com`,
            ...(dnsRouting && dnsRouting !== 'simple' ? { routing: dnsRouting, setIdentifier: name } : {}),
          },
        })),
      },
    ],
  });
  let prober: HttpProber | undefined;
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0), () => (prober?.inflight() ?? 0) > 0 || heartbeatReadsInFlight() > 0);
  prober = new HttpProber({ clock, concurrency: 16 });
  const world = SimWorld.attach(config, endpoints, { clock, ...(options.delays ? { delays: options.delays } : {}), ...(options.cloudRandom ? { random: options.cloudRandom } : {}) });
  if (options.nameServer || options.traffic) await world.startNameServers(config);
  const store = new MemoryStateStore();
  const log = pino({ level: 'silent' });
  const notifier = new MemoryNotifier();
  const notifiers = options.extraNotifier ? new FanoutNotifier([notifier, options.extraNotifier], log) : notifier;
  const metrics = options.metrics ? new PromMetrics() : undefined;
  const controller = new Controller({
    config, clock, store, cloud: world.providers, prober, log, runbooks: options.runbooks ?? runbooks, notifier: notifiers, faults: world, ...(metrics ? { metrics } : {}),
  });
  await controller.init();
  const proberRef = prober;
  return {
    clock,
    config,
    world,
    store,
    controller,
    endpoints,
    ...(witness ? { witness } : {}),
    notifier,
    prober: proberRef,
    ...(metrics ? { metrics } : {}),
    api: () => buildApp({ controller, store, log, world, auth: config.api, clock, docsUi: swaggerUiDocs, ...(metrics ? { metrics: () => metrics.scrape() } : {}) }),
    async close() {
      await controller.stop().catch(() => undefined);
      await proberRef.close();
      await world.stop();
      await witness?.stop();
    },
  };
}

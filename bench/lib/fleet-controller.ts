/**
 * A controller watching a fleet of applications, composed as
 * src/local/start-local.ts composes it (the simulated cloud, an HttpProber,
 * PromMetrics when given) but with the in-memory state store and a silent
 * logger, like bench/lib/sim-controller.ts: the benchmarks that need many
 * applications and many probes per round (bench/metrics-cost.ts) build it
 * here. The probe URLs are endpoints the caller serves (often another
 * process), so that their answers are not this process's work.
 */
import { pino } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import type { SimDelays } from '../../src/adapters/sim/sim-cloud.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';
import { Controller } from '../../src/controller/controller.js';
import type { Clock } from '../../src/ports/clock.js';
import type { MetricsSink } from '../../src/ports/metrics-sink.js';
import type { Prober } from '../../src/ports/prober.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { ProbeResult, ProbeTarget } from '../../src/probes/types.js';
import { SimWorld } from '../../src/sim/sim-world.js';

/** The shape of the fleet: how many applications, their regions, how many probes each region has. */
export interface FleetShape {
  apps: number;
  regions: readonly string[];
  probesPerRegion: number;
}

/**
 * Real time plus an offset the benchmark moves on by a probe interval before
 * each round, so that every application is due at every `tick()` without
 * waiting out the interval, while probe latencies (differences of `now()`)
 * and sleeps stay real.
 */
export class SteppedClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Move time on by `ms` at once. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A prober that keeps the last round's targets and results (to replay what a round recorded). */
export class RecordingProber implements Prober {
  last: { targets: ProbeTarget[]; results: ProbeResult[] } = { targets: [], results: [] };
  constructor(readonly inner: HttpProber) {}
  async round(targets: ProbeTarget[]): Promise<ProbeResult[]> {
    const results = await this.inner.round(targets);
    this.last = { targets, results };
    return results;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The probe interval of the fleet's applications (the clock is stepped by it; nothing waits for it). */
export const FLEET_INTERVAL_MS = 5_000;

/**
 * A configuration of `shape.apps` applications (`app-0001`…), each in every
 * region with `probesPerRegion` probes (one attempt each: one request per
 * probe), spread over `urls` in turn.
 */
export function fleetConfig(shape: FleetShape, urls: readonly string[]): Config {
  let next = 0;
  const url = (app: string) => `${urls[next++ % urls.length]}?app=${app}`;
  return validateConfig({
    provider: 'sim',
    vantage: 'bench',
    probeConcurrency: 64,
    applications: Array.from({ length: shape.apps }, (_, a) => {
      const name = `app-${String(a + 1).padStart(4, '0')}`;
      return {
        name,
        policy: { probeIntervalSeconds: FLEET_INTERVAL_MS / 1000, fallThreshold: 3, riseThreshold: 1, rtoSeconds: 120, rpoSeconds: 30, cooldownSeconds: 600 },
        regions: shape.regions.map((region) => ({
          name: region,
          probes: Array.from({ length: shape.probesPerRegion }, () => ({ url: url(name), bodyMatch: '"status":"ok"', timeoutMs: 2000, attempts: 1 })),
          database: { engine: 'rds', instanceId: `${name}-db-${region}` },
          compute: { autoScalingGroup: `${name}-web-${region}`, standbyCapacity: 1, activeCapacity: 4 },
          dns: { hostedZoneId: 'Z0BENCH', recordName: `${name}.example.com`, type: 'CNAME', value: `${name}-${region}.example.com`, ttl: 60 },
        })),
      };
    }),
  });
}

/** A running fleet controller (initialised; its loop not started: the benchmark calls `tick()`). */
export interface FleetController {
  config: Config;
  controller: Controller;
  store: MemoryStateStore;
  prober: RecordingProber;
  clock: SteppedClock;
  /**
   * One round of every application: the clock moves on by an interval, then
   * `tick()`. Returns its wall time and this process's CPU time (user +
   * system) during it, in ms; its background work is awaited after, untimed.
   */
  round(): Promise<{ wallMs: number; cpuMs: number }>;
  close(): Promise<void>;
}

/** What the fleet's controller records into and how fast its simulated cloud moves. */
export interface FleetOptions {
  /** The controller's metrics sink; none: nothing is recorded (ControllerDeps without `metrics`). */
  metrics?: MetricsSink;
  /** The simulated cloud's delays (runs' promotions, boots, DNS changes); `npm start`'s by default. */
  delays?: Partial<SimDelays>;
}

/** Compose the controller over `urls`. */
export async function startFleetController(shape: FleetShape, urls: readonly string[], options: FleetOptions = {}): Promise<FleetController> {
  const { metrics, delays } = options;
  const config = fleetConfig(shape, urls);
  const clock = new SteppedClock();
  // No endpoints of its own: the world's cloud only (DNS, databases, groups), for init, drift, readiness and runs.
  const world = SimWorld.attach(config, [], { clock, ...(delays ? { delays } : {}) });
  const prober = new RecordingProber(new HttpProber({ clock, concurrency: config.probeConcurrency }));
  const store = new MemoryStateStore();
  const log = pino({ level: 'silent' });
  const controller = new Controller({ config, clock, store, cloud: world.providers, prober, log, runbooks, ...(metrics ? { metrics } : {}) });
  await controller.init();
  return {
    config,
    controller,
    store,
    prober,
    clock,
    async round() {
      clock.advance(FLEET_INTERVAL_MS);
      const cpu = process.cpuUsage();
      const started = performance.now();
      await controller.tick();
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      // The round's background work (drift and readiness reads) ends before the next round is timed.
      await controller.settled();
      return { wallMs, cpuMs: (used.user + used.system) / 1000 };
    },
    async close() {
      await controller.stop();
      await controller.settled();
      await prober.close();
      await world.stop();
    },
  };
}

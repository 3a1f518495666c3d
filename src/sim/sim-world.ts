import type { Config } from '../config/types.js';
import { UserInputError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { FaultInjector } from '../ports/fault-injector.js';
import { createSimProviders, seedSimWorld, type SimProviders } from '../adapters/sim/sim-providers.js';
import type { SimCall, SimDelays } from '../adapters/sim/sim-cloud.js';
import { createPersistentSimProviders } from '../adapters/sim/persistent-sim.js';
import { type EndpointMode, RegionalEndpoint } from './regional-endpoint.js';
import { attachReplication } from './replication-endpoint.js';
import { readWorldSwitches, type WorldSwitches, writeWorldSwitches } from './world-switches.js';

/** Options of the simulated world. */
export interface SimWorldOptions {
  clock: Clock;
  delays?: Partial<SimDelays>;
  random?: () => number;
  /** Real ms a `slow` endpoint waits before answering. */
  slowDelayMs?: number;
  /** Share of requests a `flapping` endpoint fails. */
  flapFailureRatio?: number;
  /**
   * Keep the world on disk here (local mode: `<stateDir>/sim`): the cloud's
   * state and call log, and the regions' switches. A restarted process
   * continues where the last one stopped; without it the world is seeded
   * afresh and lives in memory.
   */
  dir?: string;
  /** With `dir`: runs after each cloud call is on disk, before it returns (local mode's freeze points). */
  onCommitted?: (call: SimCall) => void;
}

/**
 * The built-in simulated world of local mode: the application's regional
 * HTTP endpoints on loopback, and a simulated cloud (DNS, databases, Auto
 * Scaling) laid out as the config describes. An outage breaks a region's
 * endpoints and, when it is `down`, its cloud control plane too; game-day
 * drills inject their outages through it (FaultInjector).
 */
export class SimWorld implements FaultInjector {
  private constructor(
    readonly providers: SimProviders,
    private readonly endpoints: RegionalEndpoint[],
    private readonly dir?: string,
  ) {}

  /**
   * Start one endpoint per distinct host:port among the probe URLs of the
   * config (each must be on loopback and belong to one region) and seed the cloud.
   */
  static async start(config: Config, options: SimWorldOptions): Promise<SimWorld> {
    const byAddress = new Map<string, RegionalEndpoint>();
    for (const app of config.applications) {
      for (const region of app.regions) {
        // The replication endpoint (a heartbeat lag source) is the simulated application's too.
        for (const probe of [...region.probes, ...(region.lag?.heartbeat ? [{ url: region.lag.heartbeat.url }] : [])]) {
          const url = new URL(probe.url);
          if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
            throw new UserInputError(`${app.name} ${region.name}: probe URL ${probe.url} must be on loopback (127.0.0.1) in simulation mode`);
          }
          const address = `${url.hostname}:${url.port || '80'}`;
          const existing = byAddress.get(address);
          if (existing && existing.region !== region.name) {
            throw new UserInputError(`${app.name} ${region.name}: probe URL ${probe.url} is also used by ${existing.region}; each region needs its own port in simulation mode`);
          }
          if (!existing) {
            const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
            byAddress.set(address, new RegionalEndpoint(region.name, { host, port: Number(url.port || 80), ...endpointOptions(options) }));
          }
        }
      }
    }
    const endpoints = [...byAddress.values()];
    const world = SimWorld.attach(config, endpoints, options);
    // Switches first: a region saved as down must not answer for a moment at start.
    await world.restoreSwitches();
    try {
      await Promise.all(endpoints.map((e) => e.start()));
    } catch (err) {
      await world.stop();
      throw err;
    }
    return world;
  }

  /** Build the world around endpoints that are already listening (tests use ephemeral ports). */
  static attach(config: Config, endpoints: RegionalEndpoint[], options: SimWorldOptions): SimWorld {
    const common = { clock: options.clock, ...(options.delays ? { delays: options.delays } : {}), ...(options.random ? { random: options.random } : {}) };
    if (options.dir !== undefined) {
      const providers = createPersistentSimProviders({
        ...common,
        dir: options.dir,
        seed: (sim) => seedSimWorld(sim, config),
        ...(options.onCommitted ? { onCommitted: options.onCommitted } : {}),
      });
      // Config, not state: wired on every start, a restored world included.
      attachReplication(config, endpoints, providers.database);
      return new SimWorld(providers, endpoints, options.dir);
    }
    const providers = createSimProviders(common);
    seedSimWorld(providers, config);
    attachReplication(config, endpoints, providers.database);
    return new SimWorld(providers, endpoints);
  }

  /** Start a listening endpoint for a region on an ephemeral loopback port. */
  static async endpoint(region: string, options: Pick<SimWorldOptions, 'slowDelayMs' | 'random' | 'flapFailureRatio'> = {}): Promise<RegionalEndpoint> {
    const endpoint = new RegionalEndpoint(region, endpointOptions(options));
    await endpoint.start();
    return endpoint;
  }

  /**
   * Break a region: its endpoints take `mode`; a `down` region's control
   * plane stops answering too, refusing calls or (`controlPlane: 'hangs'`)
   * holding each one until the client's deadline.
   */
  async outage(region: string, mode: Exclude<EndpointMode, 'healthy'> = 'down', options: { controlPlane?: 'refuses' | 'hangs' } = {}): Promise<void> {
    const endpoints = this.regionEndpoints(region);
    await Promise.all(endpoints.map((e) => e.setMode(mode)));
    this.providers.cloud.setRegionAvailable(region, mode !== 'down');
    this.providers.cloud.setRegionHanging(region, mode === 'down' && options.controlPlane === 'hangs');
    this.saveSwitches();
  }

  /** Heal a region: endpoints healthy, control plane answering. */
  async heal(region: string): Promise<void> {
    await Promise.all(this.regionEndpoints(region).map((e) => e.setMode('healthy')));
    this.providers.cloud.setRegionAvailable(region, true);
    this.providers.cloud.setRegionHanging(region, false);
    this.saveSwitches();
  }

  /** Every simulated region with its endpoints' mode. */
  regions(): { name: string; mode: EndpointMode; controlPlane: 'up' | 'down' | 'hanging'; endpoints: string[] }[] {
    const names = [...new Set(this.endpoints.map((e) => e.region))].sort();
    return names.map((name) => {
      const mine = this.regionEndpoints(name);
      const cloud = this.providers.cloud;
      const controlPlane = cloud.regionAvailable(name) ? 'up' : cloud.regionHanging(name) ? 'hanging' : 'down';
      return { name, mode: mine[0]!.mode, controlPlane, endpoints: mine.map((e) => e.url('')) };
    });
  }

  /** Stop every endpoint. */
  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.stop()));
  }

  /** Put every region back as the last process left it (a persistent world only). */
  private async restoreSwitches(): Promise<void> {
    if (this.dir === undefined) return;
    const saved = readWorldSwitches(this.dir);
    for (const [region, state] of Object.entries(saved?.regions ?? {})) {
      const endpoints = this.endpoints.filter((e) => e.region === region);
      await Promise.all(endpoints.map((e) => e.setMode(state.mode)));
      if (state.controlPlaneDownSince !== undefined) this.providers.cloud.setRegionAvailable(region, false, state.controlPlaneDownSince);
      this.providers.cloud.setRegionHanging(region, state.controlPlaneHangs === true);
    }
  }

  /** Written before the switch is acknowledged, so a kill right after it does not heal the world. */
  private saveSwitches(): void {
    if (this.dir === undefined) return;
    const regions: WorldSwitches['regions'] = {};
    for (const { name, mode, controlPlane } of this.regions()) {
      const since = this.providers.cloud.regionDownSince(name);
      const hangs = controlPlane === 'hanging' ? { controlPlaneHangs: true } : {};
      if (mode !== 'healthy' || since !== undefined) regions[name] = { mode, ...(since !== undefined ? { controlPlaneDownSince: since } : {}), ...hangs };
    }
    writeWorldSwitches(this.dir, { version: 1, regions });
  }

  private regionEndpoints(region: string): RegionalEndpoint[] {
    const found = this.endpoints.filter((e) => e.region === region);
    if (found.length === 0) {
      const known = [...new Set(this.endpoints.map((e) => e.region))].join(', ');
      throw new UserInputError(`region: unknown region "${region}" in the simulated world; known: ${known}`);
    }
    return found;
  }
}

function endpointOptions(options: Pick<SimWorldOptions, 'slowDelayMs' | 'random' | 'flapFailureRatio'>): { slowDelayMs?: number; random?: () => number; flapFailureRatio?: number } {
  return {
    ...(options.slowDelayMs !== undefined ? { slowDelayMs: options.slowDelayMs } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.flapFailureRatio !== undefined ? { flapFailureRatio: options.flapFailureRatio } : {}),
  };
}

import type { Config } from '../config/types.js';
import { UserInputError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { FaultInjector } from '../ports/fault-injector.js';
import { createSimProviders, seedSimWorld, type SimProviders } from '../adapters/sim/sim-providers.js';
import { seedSimResources } from '../adapters/sim/sim-resources-seed.js';
import { ROUTE53_CONTROL_PLANE, type SimCall, type SimDelays } from '../adapters/sim/sim-cloud.js';
import { answerRecords } from '../adapters/sim/sim-dns-answers.js';
import { AuthoritativeDnsServer } from './authoritative-dns-server.js';
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
  /** UDP port of the embedded authoritative DNS server of the first hosted zone (the next zones take the ports after it); 0: ephemeral. */
  dnsPort?: number;
}

/**
 * The built-in simulated world of local mode: the application's regional
 * HTTP endpoints on loopback, and a simulated cloud (DNS, databases, Auto
 * Scaling) laid out as the config describes. An outage breaks a region's
 * endpoints and, when it is `down`, its cloud control plane too; game-day
 * drills inject their outages through it (FaultInjector).
 */
export class SimWorld implements FaultInjector {
  /** The authoritative DNS server of each hosted zone, started with the world. */
  private readonly nameServers = new Map<string, AuthoritativeDnsServer>();

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
      await world.startNameServers(config, options.dnsPort ?? 0, options.random ?? Math.random);
    } catch (err) {
      await world.stop();
      throw err;
    }
    return world;
  }

  /**
   * Serve each hosted zone of the config over real DNS on loopback, from the
   * model and Route 53's answer rules (health checks included), and make
   * GetHostedZone list that server as the zone's name server. Attached
   * worlds (tests) call it themselves when they want DNS.
   */
  async startNameServers(config: Config, firstPort = 0, random: () => number = Math.random): Promise<void> {
    const zones = [...new Set(config.applications.flatMap((a) => a.regions.map((r) => r.dns.hostedZoneId)))];
    for (const [i, zone] of zones.entries()) {
      const names = config.applications.flatMap((a) => a.regions.filter((r) => r.dns.hostedZoneId === zone).map((r) => r.dns.recordName));
      const server = new AuthoritativeDnsServer((name, type) => this.answer(zone, name, type, random), zoneApex(names), { port: firstPort === 0 ? 0 : firstPort + i });
      this.nameServers.set(zone, server);
      await server.start();
      this.providers.healthChecks.setNameServers(zone, [server.server()]);
    }
  }

  /** `host:port` of each zone's authoritative server. */
  nameServerAddresses(): Record<string, string> {
    return Object.fromEntries([...this.nameServers].map(([zone, server]) => [zone, server.server()]));
  }

  /** What Route 53's DNS servers answer: the data plane, which no control-plane outage stops. */
  private answer(zone: string, name: string, type: string, random: () => number) {
    const records = this.providers.dns.recordsForAnswer(zone, name);
    if (records === undefined || records.length === 0) return records === undefined ? undefined : [];
    return answerRecords(records, type, (id) => this.providers.healthChecks.healthy(id), random);
  }

  /**
   * Take Route 53's control plane down on its own (record changes, health
   * checks, GetHostedZone), refusing or hanging, or bring it back
   * (`up`). DNS answers and health checks go on: they are the data plane.
   */
  route53(state: 'up' | 'refuses' | 'hangs'): void {
    this.providers.cloud.setRegionAvailable(ROUTE53_CONTROL_PLANE, state === 'up');
    this.providers.cloud.setRegionHanging(ROUTE53_CONTROL_PLANE, state === 'hangs');
    this.saveSwitches();
  }

  /** Whether Route 53's control plane answers. */
  route53State(): 'up' | 'refuses' | 'hangs' {
    const cloud = this.providers.cloud;
    return cloud.regionAvailable(ROUTE53_CONTROL_PLANE) ? 'up' : cloud.regionHanging(ROUTE53_CONTROL_PLANE) ? 'hangs' : 'refuses';
  }

  /** Build the world around endpoints that are already listening (tests use ephemeral ports). */
  static attach(config: Config, endpoints: RegionalEndpoint[], options: SimWorldOptions): SimWorld {
    const common = { clock: options.clock, ...(options.delays ? { delays: options.delays } : {}), ...(options.random ? { random: options.random } : {}) };
    if (options.dir !== undefined) {
      const providers = createPersistentSimProviders({
        ...common,
        dir: options.dir,
        seed: (sim) => {
          seedSimWorld(sim, config);
          seedSimResources(sim, config.simulation.resources);
        },
        complete: (sim) => seedSimResources(sim, config.simulation.resources, { onlyMissing: true }),
        ...(options.onCommitted ? { onCommitted: options.onCommitted } : {}),
      });
      // Config, not state: wired on every start, a restored world included.
      attachReplication(config, endpoints, providers.database);
      return new SimWorld(providers, endpoints, options.dir);
    }
    const providers = createSimProviders(common);
    seedSimWorld(providers, config);
    seedSimResources(providers, config.simulation.resources);
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

  /** Stop every endpoint and name server. */
  async stop(): Promise<void> {
    await Promise.all([...this.endpoints.map((e) => e.stop()), ...[...this.nameServers.values()].map((s) => s.stop())]);
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
    if (saved?.route53) this.route53(saved.route53);
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
    const route53 = this.route53State();
    writeWorldSwitches(this.dir, { version: 1, regions, ...(route53 !== 'up' ? { route53 } : {}) });
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

/** The domain every record name of a zone is in: the names' longest common suffix of whole labels. */
function zoneApex(names: string[]): string {
  const split = names.map((n) => n.replace(/\.$/, '').split('.').reverse());
  const common: string[] = [];
  for (let i = 0; split.every((labels) => labels.length > i + 1 && labels[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return common.reverse().join('.');
}

function endpointOptions(options: Pick<SimWorldOptions, 'slowDelayMs' | 'random' | 'flapFailureRatio'>): { slowDelayMs?: number; random?: () => number; flapFailureRatio?: number } {
  return {
    ...(options.slowDelayMs !== undefined ? { slowDelayMs: options.slowDelayMs } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.flapFailureRatio !== undefined ? { flapFailureRatio: options.flapFailureRatio } : {}),
  };
}

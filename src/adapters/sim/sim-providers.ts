import type { Config } from '../../config/types.js';
import { desiredRecords } from '../../dns/desired-records.js';
import { ownerRecordName, ownerValue } from '../../dns/record-switch.js';
import type { CloudProviders } from '../../ports/providers.js';
import type { Clock } from '../../ports/clock.js';
import { type CallSink, DEFAULT_SIM_DELAYS, type SimCall, SimCloud, type SimDelays } from './sim-cloud.js';
import { SimAutomation } from './sim-automation.js';
import { SimCompute } from './sim-compute.js';
import { SimDatabase } from './sim-database.js';
import { SimDns } from './sim-dns.js';
import { SimEcs } from './sim-ecs.js';
import { SimFunctions } from './sim-functions.js';
import { SimGlobalCache } from './sim-global-cache.js';
import { SimNetworkFence } from './sim-network-fence.js';
import { SimAlarms } from './sim-alarms.js';
import { SimHealthChecks } from './sim-health-checks.js';
import { SimRoutingControls } from './sim-routing-controls.js';
import { UdpAuthoritativeDns } from '../../dns/authoritative-client.js';
import type { TrafficProviders } from '../../ports/traffic-switch.js';

/** The simulated cloud with its services, seeded or not. */
export interface SimProviders extends CloudProviders {
  cloud: SimCloud;
  dns: SimDns;
  database: SimDatabase;
  compute: SimCompute;
  fence: SimNetworkFence;
  alarms: SimAlarms;
  healthChecks: SimHealthChecks;
  routingControls: SimRoutingControls;
  traffic: TrafficProviders;
  /** The step library's services: always there in the simulated cloud, empty until seeded. */
  ecs: SimEcs;
  functions: SimFunctions;
  automation: SimAutomation;
  cache: SimGlobalCache;
}

/** Build the simulated cloud's services over one shared core; `onCommitted` becomes `cloud.onCommitted`. */
export function createSimProviders(options: {
  clock: Clock;
  delays?: Partial<SimDelays>;
  random?: () => number;
  sink?: CallSink;
  onCommitted?: (call: SimCall) => void;
}): SimProviders {
  const cloud = new SimCloud(options.clock, { ...DEFAULT_SIM_DELAYS, ...options.delays }, options.random, options.sink);
  if (options.onCommitted) cloud.onCommitted = options.onCommitted;
  const database = new SimDatabase(cloud);
  const fence = new SimNetworkFence(cloud, database);
  // Renames reboot an instance: the network's open connections to it end.
  database.observer = fence;
  const alarms = new SimAlarms(cloud);
  const routingControls = new SimRoutingControls(cloud);
  const healthChecks = new SimHealthChecks(cloud, alarms, routingControls);
  // The switch verifies against real DNS: the world's embedded authoritative server, asked over UDP like any other.
  const traffic: TrafficProviders = {
    votes: alarms,
    alarms,
    healthChecks,
    routingControls: (endpoints) => routingControls.cluster(endpoints),
    authoritativeDns: new UdpAuthoritativeDns(),
  };
  return {
    cloud,
    dns: new SimDns(cloud),
    database,
    compute: new SimCompute(cloud),
    fence,
    alarms,
    healthChecks,
    routingControls,
    traffic,
    ecs: new SimEcs(cloud),
    functions: new SimFunctions(cloud),
    automation: new SimAutomation(cloud),
    cache: new SimGlobalCache(cloud),
  };
}

/**
 * Lay out every application as its config describes the steady state: the
 * primary's database is the writer and the standbys' are its replicas; the
 * primary runs at active capacity and the standbys at standby capacity; the
 * DNS record points at the primary and carries this controller's ownership mark.
 */
export function seedSimWorld(sim: SimProviders, config: Config): void {
  for (const app of config.applications) {
    const [primary, ...standbys] = app.regions;
    if (!primary) continue;
    sim.database.seed(primary.database, 'writer');
    sim.compute.seed({ region: primary.name, groupName: primary.compute.autoScalingGroup }, primary.compute.activeCapacity, primary.compute.activeCapacity);
    for (const standby of standbys) {
      sim.database.seed(standby.database, 'replica', primary.database);
      sim.compute.seed({ region: standby.name, groupName: standby.compute.autoScalingGroup }, standby.compute.standbyCapacity, standby.compute.activeCapacity);
    }
    // ARC's control plane made the controls beforehand (outside the model): traffic on the primary.
    for (const [region, arn] of Object.entries(app.traffic.routingControl?.controls ?? {})) sim.routingControls.seed(arn, region === primary.name ? 'On' : 'Off');
    const { hostedZoneId, recordName } = primary.dns;
    sim.dns.seed(hostedZoneId, [
      ...desiredRecords(app.regions, primary.name),
      { name: ownerRecordName(recordName), type: 'TXT', ttl: 300, values: [ownerValue(app.name)] },
    ]);
  }
}

import { Route53Clients } from '../adapters/aws/route53-clients.js';
import { Route53Dns } from '../adapters/aws/route53-dns.js';
import { route53Options } from '../adapters/aws/route53-options.js';
import type { Config } from '../config/types.js';
import { PermanentError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { ComputeGroupState, ComputeProvider } from '../ports/compute-provider.js';
import type { DatabaseProvider, DatabaseState, LagSample } from '../ports/database-provider.js';
import type { NetworkFence, NetworkPathState } from '../ports/network-fence.js';
import type { CloudProviders } from '../ports/providers.js';
import type { TrafficProviders } from '../ports/traffic-switch.js';
import { CloudWatchVotes } from '../adapters/aws/cloudwatch-votes.js';
import { CloudWatchClients } from '../adapters/aws/cloudwatch-clients.js';
import { UdpAuthoritativeDns } from '../dns/authoritative-client.js';

/**
 * The cloud as the probe function uses it: Route 53, to learn the active
 * region. The probe never touches a database, a security group or an Auto Scaling group (runs
 * execute in the runbook worker, and the probe's role allows no such action),
 * so those ports refuse every call, and the RDS, CloudWatch and Auto Scaling
 * clients stay out of its bundle.
 */
export function probeProviders(config: Config, options: { clock: Clock }): CloudProviders {
  return {
    dns: new Route53Dns(new Route53Clients({ endpoints: config.endpoints }), route53Options(config, options.clock)),
    database: new NotInProbeDatabase(),
    compute: new NotInProbeCompute(),
    fence: new NotInProbeFence(),
    traffic: probeTraffic(config),
  };
}

/**
 * The data-plane switch as the probe function uses it: its stack's votes
 * (PutMetricData in its own region) and the zone's authoritative answers;
 * provisioning and routing controls are not its business.
 */
function probeTraffic(config: Config): TrafficProviders {
  const refuse = (method: string) => () => Promise.reject(notInProbe('traffic', method));
  return {
    votes: new CloudWatchVotes(new CloudWatchClients({ endpoints: config.endpoints })),
    alarms: { describeAlarms: refuse('describeAlarms'), putAlarm: refuse('putAlarm') },
    healthChecks: { listHealthChecks: refuse('listHealthChecks'), createHealthCheck: refuse('createHealthCheck'), nameServers: refuse('nameServers') },
    routingControls: () => ({ getRoutingControlState: refuse('getRoutingControlState'), updateRoutingControlStates: refuse('updateRoutingControlStates') }),
    authoritativeDns: new UdpAuthoritativeDns(),
  };
}

function notInProbe(port: string, method: string): PermanentError {
  const service = { database: 'RDS', compute: 'Auto Scaling', fence: 'EC2', traffic: 'Route 53 health checks, alarms or ARC' }[port] ?? port;
  return new PermanentError(`${port}.${method}: the probe function does not call ${service}; runs execute in the runbook worker`);
}

class NotInProbeDatabase implements DatabaseProvider {
  describe(): Promise<DatabaseState> {
    return Promise.reject(notInProbe('database', 'describe'));
  }
  promote(): Promise<void> {
    return Promise.reject(notInProbe('database', 'promote'));
  }
  createReplica(): Promise<void> {
    return Promise.reject(notInProbe('database', 'createReplica'));
  }
  retire(): Promise<string> {
    return Promise.reject(notInProbe('database', 'retire'));
  }
  replicaLag(): Promise<LagSample | undefined> {
    return Promise.reject(notInProbe('database', 'replicaLag'));
  }
}

class NotInProbeCompute implements ComputeProvider {
  describeGroup(): Promise<ComputeGroupState> {
    return Promise.reject(notInProbe('compute', 'describeGroup'));
  }
  setCapacity(): Promise<void> {
    return Promise.reject(notInProbe('compute', 'setCapacity'));
  }
}

class NotInProbeFence implements NetworkFence {
  describe(): Promise<NetworkPathState> {
    return Promise.reject(notInProbe('fence', 'describe'));
  }
  revoke(): Promise<void> {
    return Promise.reject(notInProbe('fence', 'revoke'));
  }
  resetConnections(): Promise<void> {
    return Promise.reject(notInProbe('fence', 'resetConnections'));
  }
  reopen(): Promise<void> {
    return Promise.reject(notInProbe('fence', 'reopen'));
  }
}

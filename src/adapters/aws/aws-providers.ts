import type { Config } from '../../config/types.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudProviders } from '../../ports/providers.js';
import { AwsClients } from './aws-clients.js';
import { AutoScalingCompute } from './autoscaling-compute.js';
import { CloudClients } from './cloud-clients.js';
import { Ec2NetworkFence } from './ec2-network-fence.js';
import { EcsServices } from './ecs-services.js';
import { ElastiCacheGlobalDatastore } from './elasticache-global.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { SsmAutomation } from './ssm-automation.js';
import { RdsDatabase } from './rds-database.js';
import { Route53Dns, type Route53DnsOptions } from './route53-dns.js';
import { route53Options } from './route53-options.js';
import { ArcRoutingControls } from './arc-routing-controls.js';
import { CloudWatchAlarms } from './cloudwatch-alarms.js';
import { CloudWatchVotes } from './cloudwatch-votes.js';
import { Route53HealthChecks } from './route53-health-checks.js';
import { UdpAuthoritativeDns } from '../../dns/authoritative-client.js';
import type { ClusterEndpoint, TrafficProviders } from '../../ports/traffic-switch.js';

/** The AWS implementation of every cloud port, with the clients they share. */
export interface AwsProviders extends CloudProviders {
  clients: AwsClients;
}

/**
 * Route 53, RDS/Aurora (with CloudWatch lag), Auto Scaling, the EC2
 * security groups of the databases (the network fence), and the step
 * library's ECS, Lambda, SSM Automation and ElastiCache, through the
 * SDK v3 clients: credentials and region from the standard chain; endpoints
 * from the config's `endpoints` or the SDK's AWS_ENDPOINT_URL[_<SERVICE>].
 * The clients' `destroy` closes them all.
 */
export function createAwsProviders(config: Config, options: { clock: Clock; credentials?: { accessKeyId: string; secretAccessKey: string } }): AwsProviders {
  const clients = new AwsClients({ endpoints: config.endpoints, ...(options.credentials ? { credentials: options.credentials } : {}) });
  return { clients, ...cloudProviders(clients, config, options.clock) };
}

/**
 * The same providers on clients without SNS, for the Lambda functions that
 * never publish a notification (the runbook worker and the reader: their
 * roles may not), so that their bundles do without the SNS client.
 */
export function createCloudProviders(config: Config, options: { clock: Clock }): CloudProviders {
  return cloudProviders(new CloudClients({ endpoints: config.endpoints }), config, options.clock);
}

function cloudProviders(clients: CloudClients, config: Config, clock: Clock): CloudProviders {
  const route53 = route53Options(config, clock);
  return {
    dns: new Route53Dns(clients, route53),
    database: new RdsDatabase(clients, { clock }),
    compute: new AutoScalingCompute(clients),
    fence: new Ec2NetworkFence(clients),
    traffic: trafficProviders(clients, route53),
    // The step library's services, for user runbooks; their clients are made on first use.
    ecs: new EcsServices(clients),
    functions: new LambdaInvoker(clients),
    automation: new SsmAutomation(clients),
    cache: new ElastiCacheGlobalDatastore(clients),
  };
}

/** The data-plane switches: votes and alarms through CloudWatch, health checks through Route 53, one ARC client set per cluster. */
function trafficProviders(clients: CloudClients, route53: Route53DnsOptions): TrafficProviders {
  const clusters = new Map<string, ArcRoutingControls>();
  return {
    votes: new CloudWatchVotes(clients),
    alarms: new CloudWatchAlarms(clients),
    healthChecks: new Route53HealthChecks(clients, route53),
    routingControls(endpoints: ClusterEndpoint[]) {
      const key = JSON.stringify(endpoints);
      if (!clusters.has(key)) clusters.set(key, new ArcRoutingControls(endpoints));
      return clusters.get(key)!;
    },
    authoritativeDns: new UdpAuthoritativeDns(),
  };
}

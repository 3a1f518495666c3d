import type { Config } from '../../config/types.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudProviders } from '../../ports/providers.js';
import { AwsClients } from './aws-clients.js';
import { AutoScalingCompute } from './autoscaling-compute.js';
import { RdsDatabase } from './rds-database.js';
import { Route53Dns } from './route53-dns.js';

/** The AWS implementation of every cloud port, with the clients they share. */
export interface AwsProviders extends CloudProviders {
  clients: AwsClients;
}

/**
 * Route 53, RDS/Aurora (with CloudWatch lag) and Auto Scaling through the
 * SDK v3 clients: credentials and region from the standard chain; endpoints
 * from the config's `endpoints` or the SDK's AWS_ENDPOINT_URL[_<SERVICE>].
 */
export function createAwsProviders(config: Config, options: { clock: Clock; credentials?: { accessKeyId: string; secretAccessKey: string } }): AwsProviders {
  const clients = new AwsClients({ endpoints: config.endpoints, ...(options.credentials ? { credentials: options.credentials } : {}) });
  return {
    clients,
    dns: new Route53Dns(clients, { clock: options.clock }),
    database: new RdsDatabase(clients, { clock: options.clock }),
    compute: new AutoScalingCompute(clients),
  };
}

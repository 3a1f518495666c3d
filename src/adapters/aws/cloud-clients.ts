import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Clients } from './route53-clients.js';

/**
 * The clients of the cloud ports (DNS, database with its CloudWatch lag,
 * compute): what the runbook worker and the reader are composed with,
 * neither of which may publish notifications.
 */
export class CloudClients extends Route53Clients {
  rds(region: string): RDSClient {
    return this.client('rds', region, (config) => new RDSClient(config));
  }

  autoScaling(region: string): AutoScalingClient {
    return this.client('autoscaling', region, (config) => new AutoScalingClient(config));
  }

  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }
}

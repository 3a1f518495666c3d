import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { ClientUse } from './aws-client-pool.js';
import { Route53Clients } from './route53-clients.js';

/**
 * The clients of the cloud ports (DNS, database with its CloudWatch lag,
 * compute, and EC2 for the network fence of old writers): what the runbook worker and the reader are composed with,
 * neither of which may publish notifications.
 */
export class CloudClients extends Route53Clients {
  /** RDS in `region`; `change` for the calls that must go out once (see ClientUse). */
  rds(region: string, use: ClientUse = 'read'): RDSClient {
    return this.client('rds', region, (config) => new RDSClient(config), use);
  }

  /** Auto Scaling in `region`; `change` for the calls that must go out once (see ClientUse). */
  autoScaling(region: string, use: ClientUse = 'read'): AutoScalingClient {
    return this.client('autoscaling', region, (config) => new AutoScalingClient(config), use);
  }

  /** EC2 in `region` (security groups of a database); `change` for the calls that must go out once (see ClientUse). */
  ec2(region: string, use: ClientUse = 'read'): EC2Client {
    return this.client('ec2', region, (config) => new EC2Client(config), use);
  }

  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }
}

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsClientPool } from './aws-client-pool.js';

/** CloudWatch clients alone, for the probe function: its votes, without the RDS, EC2 and Auto Scaling clients in its bundle. */
export class CloudWatchClients extends AwsClientPool {
  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }
}

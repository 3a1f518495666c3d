import { SNSClient } from '@aws-sdk/client-sns';
import { CloudClients } from './cloud-clients.js';
import { snsConfig } from './sns-clients.js';

export type { AwsClientOptions } from './aws-client-pool.js';

/**
 * Every client the AWS adapters use, one per service and region, created on
 * first use and reused (AwsClientPool): the cloud ports' (CloudClients) and
 * SNS for notifications. Credentials and the default region come from the
 * SDK's standard chain.
 */
export class AwsClients extends CloudClients {
  sns(region: string): SNSClient {
    return this.client('sns', region, (config) => new SNSClient(snsConfig(config)));
  }
}

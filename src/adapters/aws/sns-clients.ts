import { SNSClient } from '@aws-sdk/client-sns';
import { AwsClientPool } from './aws-client-pool.js';

/** What the SNS notifier needs: an SNS client per region. */
export interface SnsClientSource {
  sns(region: string): SNSClient;
}

/** SNS clients alone, for a function (the probe) that notifies but needs no other client of the pool. */
export class SnsClients extends AwsClientPool implements SnsClientSource {
  sns(region: string): SNSClient {
    return this.client('sns', region, (config) => new SNSClient(config));
  }
}

import { SNSClient } from '@aws-sdk/client-sns';
import { AwsClientPool } from './aws-client-pool.js';

/** What the SNS notifier needs: an SNS client per region. */
export interface SnsClientSource {
  sns(region: string): SNSClient;
}

/**
 * The SNS client config: the pool's settings, with SNS's deadlines
 * (client-timeouts.ts: a notification never waits on a topic endpoint for
 * the SDK's socket default), and at most two attempts: the outbox's
 * deadline bounds the whole send anyway.
 */
export function snsConfig(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, maxAttempts: 2 };
}

/** SNS clients alone, for a function (the probe) that notifies but needs no other client of the pool. */
export class SnsClients extends AwsClientPool implements SnsClientSource {
  sns(region: string): SNSClient {
    return this.client('sns', region, (config) => new SNSClient(snsConfig(config)));
  }
}

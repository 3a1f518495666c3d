import { SNSClient } from '@aws-sdk/client-sns';
import { AwsClientPool } from './aws-client-pool.js';

/** What the SNS notifier needs: an SNS client per region. */
export interface SnsClientSource {
  sns(region: string): SNSClient;
}

/**
 * SNS client settings: a Publish is small, so a topic endpoint that takes
 * longer than this is in trouble, and a notification must never wait on it
 * for the SDK's default socket timeout. Two attempts at most: the outbox's
 * deadline bounds the whole send anyway.
 */
export const SNS_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 4_000 };

/** The SNS client config: the pool's settings with SNS's timeouts and at most two attempts. */
export function snsConfig(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, maxAttempts: 2, requestHandler: SNS_TIMEOUTS };
}

/** SNS clients alone, for a function (the probe) that notifies but needs no other client of the pool. */
export class SnsClients extends AwsClientPool implements SnsClientSource {
  sns(region: string): SNSClient {
    return this.client('sns', region, (config) => new SNSClient(snsConfig(config)));
  }
}

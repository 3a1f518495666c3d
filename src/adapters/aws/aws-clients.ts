import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import type { EndpointOverrides } from '../../config/types.js';

/** Options shared by every client. */
export interface AwsClientOptions {
  /** Per-service endpoints from the config; AWS_ENDPOINT_URL[_<SERVICE>] work as the SDK defines them. */
  endpoints?: EndpointOverrides;
  /** SDK-level attempts per call (standard retry mode); the runbook engine retries on top. */
  maxAttempts?: number;
  /** Tests inject static credentials; production uses the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * One client per service and region, created on first use and reused:
 * clients hold connection pools and cached credentials. Credentials and the
 * default region come from the SDK's standard chain.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  /** Route 53 is global; its API lives in us-east-1. */
  route53(): Route53Client {
    return this.client('route53', 'us-east-1', (config) => new Route53Client(config));
  }

  rds(region: string): RDSClient {
    return this.client('rds', region, (config) => new RDSClient(config));
  }

  autoScaling(region: string): AutoScalingClient {
    return this.client('autoscaling', region, (config) => new AutoScalingClient(config));
  }

  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }

  sns(region: string): SNSClient {
    return this.client('sns', region, (config) => new SNSClient(config));
  }

  /** Close every client's connections. */
  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }

  private client<T>(service: keyof EndpointOverrides, region: string, create: (config: Record<string, unknown>) => T): T {
    const key = `${service}/${region}`;
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      const endpoint = this.options.endpoints?.[service];
      client = create({
        region,
        maxAttempts: this.options.maxAttempts ?? 3,
        ...(endpoint ? { endpoint } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
      this.cache.set(key, client);
    }
    return client;
  }
}

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
 * default region come from the SDK's standard chain. Subclasses name the
 * services they offer (AwsClients: all of them; Route53Clients: Route 53
 * alone), so that a Lambda bundle carries only the SDK clients it uses.
 */
export class AwsClientPool {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  /** Close every client's connections. */
  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }

  protected client<T>(service: keyof EndpointOverrides, region: string, create: (config: Record<string, unknown>) => T): T {
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

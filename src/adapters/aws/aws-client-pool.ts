import type { EndpointOverrides } from '../../config/types.js';
import { CLIENT_TIMEOUTS, type ClientTimeouts, handlerOptions } from './client-timeouts.js';

/**
 * The services of the step library for user runbooks (ECS, Lambda functions
 * a runbook invokes, SSM Automation, ElastiCache global datastores). The
 * config file names no endpoint for them; AWS_ENDPOINT_URL_<SERVICE> works
 * as the SDK defines it, and tests may pass one here.
 */
export type StepLibraryService = 'ecs' | 'lambda' | 'ssm' | 'elasticache';

/** Every service the pool makes clients for: its key for endpoints, deadlines and the cache. */
export type PooledService = keyof EndpointOverrides | StepLibraryService;

/** Options shared by every client. */
export interface AwsClientOptions {
  /** Per-service endpoints from the config; AWS_ENDPOINT_URL[_<SERVICE>] work as the SDK defines them. */
  endpoints?: EndpointOverrides & Partial<Record<StepLibraryService, string>>;
  /** SDK-level attempts per call (standard retry mode); the runbook engine retries on top. */
  maxAttempts?: number;
  /** Tests inject static credentials; production uses the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Deadlines per service instead of {@link CLIENT_TIMEOUTS} (tests of a hanging endpoint). */
  timeouts?: Partial<Record<PooledService, ClientTimeouts>>;
}

/**
 * What a client is for. `change`: calls that change something and take no
 * idempotency token (PromoteReadReplica, FailoverGlobalCluster,
 * CreateDBInstanceReadReplica, ModifyDBInstance, ChangeResourceRecordSets,
 * UpdateAutoScalingGroup, UpdateService, FailoverGlobalReplicationGroup,
 * and the Invoke of a runbook's function). The SDK's standard retry mode
 * re-sends a call after a reset connection, a timeout, a 5xx or throttling,
 * all of which can come after AWS accepted it; the repeat is then refused
 * as "already done" (or, for a function still running the first time, as
 * "in progress" by its idempotency) and would fail a step whose act took
 * effect. So those calls go out once, through clients with a single
 * attempt, and the runbook engine decides what to do after an error by
 * reading the world (src/runbook/act-once.ts). `read`: everything else,
 * retried by the SDK (StartAutomationExecution too: its ClientToken makes
 * a re-send start nothing new).
 */
export type ClientUse = 'read' | 'change';

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

  protected client<T>(service: PooledService, region: string, create: (config: Record<string, unknown>) => T, use: ClientUse = 'read'): T {
    const key = `${service}/${region}/${use}`;
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      const endpoint = this.options.endpoints?.[service];
      client = create({
        region,
        maxAttempts: use === 'change' ? 1 : (this.options.maxAttempts ?? 3),
        // The SDK's NodeHttpHandler options: no call waits on a hung connection past its deadline.
        requestHandler: handlerOptions(this.options.timeouts?.[service] ?? CLIENT_TIMEOUTS[service]),
        ...(endpoint ? { endpoint } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
      this.cache.set(key, client);
    }
    return client;
  }
}

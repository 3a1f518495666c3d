import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
  type UpdateRoutingControlStatesCommandInput,
} from '@aws-sdk/client-route53-recovery-cluster';
import { PermanentError, TransientError } from '../../errors/errors.js';
import type { ClusterEndpoint, RoutingControlApi, RoutingControlState } from '../../ports/traffic-switch.js';
import { awsErrorCode, translateAwsError } from './aws-errors.js';
import { CLIENT_TIMEOUTS, type ClientTimeouts, handlerOptions } from './client-timeouts.js';

/** How the cluster clients are made. */
export interface ArcClientOptions {
  /** Tests inject static credentials; production uses the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * SDK attempts per endpoint (default 1): the next endpoint is the retry,
   * so a call does not spend its time on one that is being cycled out.
   */
  maxAttempts?: number;
  /** Deadlines per endpoint instead of CLIENT_TIMEOUTS.arcCluster. */
  timeouts?: ClientTimeouts;
}

/**
 * The RoutingControlApi port on ARC's cluster data plane
 * (route53-recovery-cluster, API 2019-12-02), the only way this project
 * changes a routing control during a failover.
 *
 * The endpoints are the cluster's five regional ones, from the config: they
 * are never looked up, since DescribeCluster is in the control plane
 * (us-west-2). Each call tries them in a fresh random order and moves on when
 * one does not answer, as AWS asks: "Your process for getting and changing
 * routing control states should try each endpoint in rotation, as needed,
 * since cluster endpoints are cycled through available and unavailable
 * states for regular maintenance and updates"
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html),
 * starting from a random one ("Work with routing controls in Route 53 ARC",
 * best practices: https://docs.aws.amazon.com/r53recovery/latest/dg/route53-arc-best-practices.html#route53-arc-best-practices.regional).
 * Each endpoint's client signs for the endpoint's own region.
 *
 * Errors (https://docs.aws.amazon.com/routing-control/latest/APIReference/API_UpdateRoutingControlStates.html):
 * - next endpoint: EndpointTemporarilyUnavailableException ("Try another
 *   cluster endpoint"), InternalServerException and any other 5xx, a timeout
 *   or a network error; when every endpoint failed, a TransientError that
 *   names each one's failure;
 * - TransientError, retried by the engine: ThrottlingException,
 *   ConflictException ("There was a conflict with this request. Try again.");
 * - PermanentError: ValidationException, AccessDeniedException,
 *   ResourceNotFoundException, and ServiceLimitExceededException ("can't
 *   update that many routing control states at the same time": the same
 *   request will not fit later, and splitting it would give up the one
 *   transaction that safety rules are checked against).
 * Setting a state is idempotent, so a request repeated on the next endpoint
 * after one that may have applied it does no harm.
 */
export class ArcRoutingControls implements RoutingControlApi {
  private readonly clients = new Map<string, Route53RecoveryClusterClient>();

  constructor(
    private readonly endpoints: ClusterEndpoint[],
    private readonly random: () => number = Math.random,
    private readonly options: ArcClientOptions = {},
  ) {}

  async getRoutingControlState(routingControlArn: string): Promise<RoutingControlState> {
    const command = new GetRoutingControlStateCommand({ RoutingControlArn: routingControlArn });
    const result = await this.onAnyEndpoint(`GetRoutingControlState ${routingControlArn}`, (client) => client.send(command));
    const state = result.RoutingControlState;
    if (state !== 'On' && state !== 'Off') {
      const got = state ?? '(none)';
      throw new PermanentError(`GetRoutingControlState ${routingControlArn}: unexpected RoutingControlState ${got}; expected On or Off`);
    }
    return state;
  }

  async updateRoutingControlStates(
    entries: { routingControlArn: string; state: RoutingControlState }[],
    safetyRulesToOverride?: string[],
  ): Promise<void> {
    // ARC refuses an empty update (ValidationException); say so without spending a request on it.
    if (entries.length === 0) throw new PermanentError('UpdateRoutingControlStates: needs at least one routing control state entry');
    const input: UpdateRoutingControlStatesCommandInput = {
      UpdateRoutingControlStateEntries: entries.map((e) => ({ RoutingControlArn: e.routingControlArn, RoutingControlState: e.state })),
      // Break-glass only: sent when an operator named the rules to override, never as an empty list.
      ...(safetyRulesToOverride && safetyRulesToOverride.length > 0 ? { SafetyRulesToOverride: safetyRulesToOverride } : {}),
    };
    const what = entries.map((e) => `${e.routingControlArn}=${e.state}`).join(', ');
    await this.onAnyEndpoint(`UpdateRoutingControlStates ${what}`, (client) => client.send(new UpdateRoutingControlStatesCommand(input)));
  }

  /** Close every endpoint client's connections. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private async onAnyEndpoint<T>(operation: string, call: (client: Route53RecoveryClusterClient) => Promise<T>): Promise<T> {
    if (this.endpoints.length === 0) throw new PermanentError(`${operation}: the ARC cluster has no endpoints in the config`);
    const failures: string[] = [];
    for (const endpoint of shuffled(this.endpoints, this.random)) {
      const where = `${endpoint.url} (${endpoint.region})`;
      try {
        return await call(this.client(endpoint));
      } catch (err) {
        const translated = translateAwsError(err, `${operation} at ${where}`);
        if (!triesNextEndpoint(err, translated)) {
          // ARC's own words for a conflict are "Try again": the engine does, with backoff.
          throw awsErrorCode(err) === 'ConflictException' ? new TransientError(translated.message) : translated;
        }
        failures.push(`${where}: ${awsErrorCode(err)}: ${(err as Error).message}`);
      }
    }
    throw new TransientError(`${operation}: no cluster endpoint answered: ${failures.join('; ')}`);
  }

  private client(endpoint: ClusterEndpoint): Route53RecoveryClusterClient {
    let client = this.clients.get(endpoint.url);
    if (!client) {
      client = new Route53RecoveryClusterClient({
        endpoint: endpoint.url,
        region: endpoint.region,
        maxAttempts: this.options.maxAttempts ?? 1,
        requestHandler: handlerOptions(this.options.timeouts ?? CLIENT_TIMEOUTS.arcCluster),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
      this.clients.set(endpoint.url, client);
    }
    return client;
  }
}

/**
 * Whether a failure belongs to this endpoint rather than to the request: it
 * said so (EndpointTemporarilyUnavailableException), failed inside (5xx), or
 * gave no HTTP answer at all (timeout, refused or reset connection: transient
 * and without a status).
 */
function triesNextEndpoint(err: unknown, translated: Error): boolean {
  if (awsErrorCode(err) === 'EndpointTemporarilyUnavailableException') return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  return translated instanceof TransientError;
}

/** A Fisher–Yates shuffle driven by `random` (values in [0, 1)), leaving the input as it is. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

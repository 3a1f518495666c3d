import {
  type CloudWatchRegion,
  CreateHealthCheckCommand,
  GetHostedZoneCommand,
  type HealthCheck as Route53HealthCheck,
  type HealthCheckConfig,
  ListHealthChecksCommand,
} from '@aws-sdk/client-route-53';
import { PermanentError } from '../../errors/errors.js';
import type { HealthCheck, HealthCheckApi, HealthCheckSpec, InsufficientDataHealthStatus } from '../../ports/traffic-switch.js';
import { awsCall } from './aws-errors.js';
import type { AwsPartition } from './partition.js';
import { RateLimiter } from './rate-limiter.js';
import type { Route53Clients } from './route53-clients.js';
import type { Route53DnsOptions } from './route53-dns.js';

/**
 * Health checks per ListHealthChecks page asked for: the most Route 53
 * returns ("a maximum of 1000 items"; a larger maxitems gets the first
 * 1000), so that listing spends few of the account's 5 requests a second
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHealthChecks.html).
 */
const LIST_PAGE = 1_000;

/**
 * The HealthCheckApi port on Route 53's control plane (API 2013-04-01):
 * provisioning only, while us-east-1 is healthy; a failover never calls it.
 * - ListHealthChecks pages with marker / IsTruncated / NextMarker and maps
 *   the three types this project provisions (CALCULATED, CLOUDWATCH_METRIC,
 *   RECOVERY_CONTROL) back to specs; checks of other types (HTTP, TCP…) are
 *   not this project's and are left out.
 * - CreateHealthCheck sends the caller reference, which makes it idempotent
 *   (same reference and settings: the existing check comes back, so the
 *   SDK's retries are safe); the same reference with other settings is
 *   HealthCheckAlreadyExists, a ConflictError
 *   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html).
 * - GetHostedZone gives the zone's DelegationSet name servers.
 * Requests go through one rate limiter per instance, as Route53Dns's do
 * (same options: the partition and this process's share of the quota).
 */
export class Route53HealthChecks implements HealthCheckApi {
  private readonly limiter: RateLimiter;
  private readonly partition: AwsPartition;

  constructor(
    private readonly clients: Route53Clients,
    options: Route53DnsOptions,
  ) {
    this.limiter = options.limiter ?? RateLimiter.perSecond(options.clock, options.requestsPerSecond ?? 5);
    this.partition = options.partition ?? 'aws';
  }

  async listHealthChecks(): Promise<HealthCheck[]> {
    const found: HealthCheck[] = [];
    let marker: string | undefined;
    for (;;) {
      const command = new ListHealthChecksCommand({ MaxItems: LIST_PAGE, ...(marker ? { Marker: marker } : {}) });
      await this.limiter.acquire();
      const page = await awsCall('ListHealthChecks', () => this.clients.route53('read', this.partition).send(command));
      for (const check of page.HealthChecks ?? []) {
        const mapped = fromRoute53(check);
        if (mapped) found.push(mapped);
      }
      if (!page.IsTruncated || !page.NextMarker) return found;
      if (page.NextMarker === marker) {
        throw new PermanentError(`ListHealthChecks: NextMarker ${marker} points at its own page; refusing to loop`);
      }
      marker = page.NextMarker;
    }
  }

  async createHealthCheck(callerReference: string, spec: HealthCheckSpec): Promise<HealthCheck> {
    const command = new CreateHealthCheckCommand({ CallerReference: callerReference, HealthCheckConfig: toConfig(spec) });
    await this.limiter.acquire();
    const result = await awsCall(`CreateHealthCheck ${callerReference}`, () => this.clients.route53('read', this.partition).send(command), [
      'HealthCheckAlreadyExists',
    ]);
    const created = result.HealthCheck ? fromRoute53(result.HealthCheck) : undefined;
    if (!created) throw new PermanentError(`CreateHealthCheck ${callerReference}: the response has no ${spec.type} HealthCheck`);
    return created;
  }

  async nameServers(hostedZoneId: string): Promise<string[]> {
    await this.limiter.acquire();
    const command = new GetHostedZoneCommand({ Id: hostedZoneId });
    const result = await awsCall(`GetHostedZone ${hostedZoneId}`, () => this.clients.route53('read', this.partition).send(command));
    const servers = result.DelegationSet?.NameServers ?? [];
    // A private zone has no delegation set: nobody outside its VPCs can ask its servers, so a switch cannot be verified there.
    if (servers.length === 0) {
      throw new PermanentError(`GetHostedZone ${hostedZoneId}: the zone has no DelegationSet name servers (a private hosted zone?)`);
    }
    return servers;
  }
}

/** The request's HealthCheckConfig: only the fields of the spec's type, as the API reference lists them for it. */
function toConfig(spec: HealthCheckSpec): HealthCheckConfig {
  switch (spec.type) {
    case 'CALCULATED':
      return {
        Type: 'CALCULATED',
        ChildHealthChecks: spec.childHealthChecks,
        HealthThreshold: spec.healthThreshold,
        Inverted: spec.inverted,
      };
    case 'CLOUDWATCH_METRIC':
      return {
        Type: 'CLOUDWATCH_METRIC',
        // The SDK's CloudWatchRegion enum lags behind new regions; Route 53 itself checks the name.
        AlarmIdentifier: { Region: spec.alarmRegion as CloudWatchRegion, Name: spec.alarmName },
        InsufficientDataHealthStatus: spec.insufficientDataHealthStatus,
        Inverted: spec.inverted,
      };
    case 'RECOVERY_CONTROL':
      return { Type: 'RECOVERY_CONTROL', RoutingControlArn: spec.routingControlArn };
  }
}

/** A listed or created check as the port's HealthCheck, or undefined for types this project does not provision. */
function fromRoute53(check: Route53HealthCheck): HealthCheck | undefined {
  const config = check.HealthCheckConfig;
  if (!check.Id || !config) return undefined;
  const spec = specOf(config);
  return spec ? { id: check.Id, callerReference: check.CallerReference ?? '', spec } : undefined;
}

function specOf(config: HealthCheckConfig): HealthCheckSpec | undefined {
  switch (config.Type) {
    case 'CALCULATED':
      return {
        type: 'CALCULATED',
        childHealthChecks: config.ChildHealthChecks ?? [],
        healthThreshold: config.HealthThreshold ?? 0,
        inverted: config.Inverted ?? false,
      };
    case 'CLOUDWATCH_METRIC':
      return {
        type: 'CLOUDWATCH_METRIC',
        alarmRegion: config.AlarmIdentifier?.Region ?? '',
        alarmName: config.AlarmIdentifier?.Name ?? '',
        // "LastKnownStatus: By default, Route 53 uses the status of the health check from the last time…" (UpdateHealthCheck).
        insufficientDataHealthStatus: (config.InsufficientDataHealthStatus ?? 'LastKnownStatus') as InsufficientDataHealthStatus,
        inverted: config.Inverted ?? false,
      };
    case 'RECOVERY_CONTROL':
      return config.RoutingControlArn ? { type: 'RECOVERY_CONTROL', routingControlArn: config.RoutingControlArn } : undefined;
    default:
      return undefined;
  }
}

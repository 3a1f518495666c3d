import { ConflictError, PermanentError } from '../../errors/errors.js';
import type { HealthCheck, HealthCheckApi, HealthCheckSpec } from '../../ports/traffic-switch.js';
import type { SimAlarms } from './sim-alarms.js';
import type { SimCloud } from './sim-cloud.js';
import type { SimRoutingControls } from './sim-routing-controls.js';

/** Everything SimHealthChecks holds, JSON-safe. */
export interface SimHealthChecksSnapshot {
  checks: HealthCheck[];
  nextId: number;
}

/**
 * Simulated Route 53 health checks: the control plane (create, list, the
 * zone's name servers; through Route 53's control-plane switch) and the
 * data plane (`healthy`, what the DNS answers follow), read without any
 * call, as Route 53's health checkers work through a control-plane outage.
 *
 * - CLOUDWATCH_METRIC: healthy while the alarm is OK, unhealthy in ALARM, as
 *   the health checkers saw it `healthCheckMs` ago. Without data (a new
 *   alarm, or its region down) InsufficientDataHealthStatus decides;
 *   `LastKnownStatus` with nothing known is healthy ("Route 53 uses the status
 *   of the health check from the last time CloudWatch had sufficient data …
 *   For new health checks that have no last known status, the default status
 *   for the health check is healthy", the Route 53 API reference, HealthCheckConfig).
 * - CALCULATED: healthy when at least HealthThreshold children are.
 * - RECOVERY_CONTROL: healthy while the routing control is On.
 * - `Inverted` flips the result.
 */
export class SimHealthChecks implements HealthCheckApi {
  private readonly checks = new Map<string, HealthCheck>();
  private nextId = 1;
  /** Name servers per hosted zone: the world's embedded authoritative server. */
  private readonly servers = new Map<string, string[]>();

  constructor(
    private readonly cloud: SimCloud,
    private readonly alarms: SimAlarms,
    private readonly controls: SimRoutingControls,
  ) {}

  /** Set the name servers GetHostedZone lists for a zone. */
  setNameServers(hostedZoneId: string, servers: string[]): void {
    this.servers.set(hostedZoneId, [...servers]);
  }

  async listHealthChecks(): Promise<HealthCheck[]> {
    return this.cloud.call('route53', 'ListHealthChecks', undefined, '*', () => [...this.checks.values()].map((c) => structuredClone(c)));
  }

  async createHealthCheck(callerReference: string, spec: HealthCheckSpec): Promise<HealthCheck> {
    return this.cloud.call('route53', 'CreateHealthCheck', undefined, callerReference, () => {
      const existing = [...this.checks.values()].find((c) => c.callerReference === callerReference);
      if (existing) {
        if (sameSettings(existing.spec, spec)) return structuredClone(existing);
        throw new ConflictError(
          `CreateHealthCheck: HealthCheckAlreadyExists: a health check with caller reference ${callerReference} exists with another configuration`,
        );
      }
      const check = { id: `hc-${String(this.nextId++).padStart(8, '0')}`, callerReference, spec: structuredClone(spec) };
      this.checks.set(check.id, check);
      return structuredClone(check);
    });
  }

  async nameServers(hostedZoneId: string): Promise<string[]> {
    return this.cloud.call('route53', 'GetHostedZone', undefined, hostedZoneId, () => {
      const servers = this.servers.get(hostedZoneId);
      if (!servers) throw new PermanentError(`NoSuchHostedZone: No hosted zone found with ID: ${hostedZoneId}`);
      return [...servers];
    });
  }

  /** The data plane: whether Route 53 counts the check healthy now. An unknown id is healthy, as a record without a check is. */
  healthy(id: string, depth = 0): boolean {
    const check = this.checks.get(id);
    if (!check || depth > 5) return true;
    const spec = check.spec;
    if (spec.type === 'CALCULATED') {
      const up = spec.childHealthChecks.filter((child) => this.healthy(child, depth + 1)).length;
      return up >= spec.healthThreshold !== spec.inverted;
    }
    const seenAt = this.cloud.clock.now() - this.cloud.delays.healthCheckMs;
    if (spec.type === 'RECOVERY_CONTROL') return this.controls.stateAt(spec.routingControlArn, seenAt) !== 'Off';
    // A down region's CloudWatch gives the health checkers no data from its outage on.
    const downSince = this.cloud.regionDownSince(spec.alarmRegion);
    const read = this.alarms.stateAt(spec.alarmRegion, spec.alarmName, downSince !== undefined ? Math.min(seenAt, downSince) : seenAt);
    const state = downSince !== undefined ? 'INSUFFICIENT_DATA' : (read?.state ?? 'INSUFFICIENT_DATA');
    let healthy: boolean;
    if (state !== 'INSUFFICIENT_DATA') healthy = state === 'OK';
    else if (spec.insufficientDataHealthStatus === 'LastKnownStatus') healthy = read?.lastKnown !== 'ALARM';
    else healthy = spec.insufficientDataHealthStatus === 'Healthy';
    return healthy !== spec.inverted;
  }

  snapshot(): SimHealthChecksSnapshot {
    return { checks: [...this.checks.values()].map((c) => structuredClone(c)), nextId: this.nextId };
  }

  restore(snapshot: SimHealthChecksSnapshot | undefined): void {
    this.checks.clear();
    for (const check of snapshot?.checks ?? []) this.checks.set(check.id, structuredClone(check));
    this.nextId = snapshot?.nextId ?? 1;
  }
}

/**
 * Whether two specs are the same settings: compared by value, whatever the
 * order of their fields. Route 53 compares the settings of a repeated
 * CreateHealthCheck ("If you send a CreateHealthCheck request with the same
 * CallerReference and settings as a previous request … Route 53 returns the
 * settings for the existing health check", the Route 53 API reference,
 * CreateHealthCheck, CallerReference), and a HealthCheckConfig has no field
 * order of its own; comparing JSON text made a spec built with its fields in
 * another order a HealthCheckAlreadyExists conflict. Lists (ChildHealthChecks)
 * keep their order.
 */
function sameSettings(a: HealthCheckSpec, b: HealthCheckSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** A JSON value with every object's keys sorted, so that equal values serialise alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}

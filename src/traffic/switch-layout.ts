import { createHash } from 'node:crypto';
import type { AppConfig, RegionConfig } from '../config/types.js';
import type { DnsRecordSet } from '../ports/dns-provider.js';
import type { TrafficIntent } from '../ports/state-store.js';
import type { AlarmSpec, EvacuationVote, HealthCheckSpec } from '../ports/traffic-switch.js';
import { VOTE_METRIC, VOTE_NAMESPACE, voteDimensions } from './vote-metric.js';

/**
 * The layout of a data-plane switch, computed from the config alone (pure):
 * who votes on which region, the alarms and health checks that turn votes
 * into DNS answers, and the records that carry them.
 *
 * Settings, chosen so that a dying voter cannot move traffic by itself and
 * a new check does not start unhealthy:
 * - alarm: Maximum over one period of 60 s, `>= 1` (one evacuate vote in the
 *   period), TreatMissingData `ignore`: a voter that stops publishing (its
 *   stack or region is dead) leaves its alarm as it was;
 * - CLOUDWATCH_METRIC child: InsufficientDataHealthStatus `LastKnownStatus`:
 *   an alarm region Route 53 cannot read keeps its last vote; a new alarm,
 *   with nothing known yet, counts healthy; not Inverted (ALARM = evacuate);
 * - CALCULATED parent: healthy while at least `voters - votesToEvacuate + 1`
 *   children are, so `votesToEvacuate` voters must agree to take the region out.
 */
export const VOTE_PERIOD_SECONDS = 60;

/** The regions whose stacks vote on `region`: every other region of the app (no region decides its own evacuation). */
export function votersOf(app: AppConfig, region: string): string[] {
  return app.regions.map((r) => r.name).filter((name) => name !== region);
}

/** How many voters must vote to take a region out: the config's, else all of them. */
export function votesToEvacuate(app: AppConfig): number {
  const voters = app.regions.length - 1;
  return Math.min(app.traffic.votesToEvacuate ?? voters, voters);
}

/**
 * The regions out of DNS while `serving` serves. Failover routing (two
 * regions): the primary record is out only when the secondary serves; the
 * secondary is never voted out, since a dead primary's stale vote on it
 * would leave both unhealthy, and Route 53 then answers the primary.
 * Weighted routing: every region but the serving one.
 */
export function evacuatedWhileServing(app: AppConfig, serving: string): string[] {
  const primary = app.regions[0]!;
  if (primary.dns.routing === 'failover') return serving === primary.name ? [] : [primary.name];
  return app.regions.map((r) => r.name).filter((name) => name !== serving);
}

/** One voter stack's votes on an app: its intent's evacuations, or (never switched) the primary's layout. */
export function votesOf(app: AppConfig, intent: TrafficIntent | undefined, voterRegion: string): EvacuationVote[] {
  const evacuated = intent?.evacuated ?? evacuatedWhileServing(app, app.regions[0]!.name);
  return app.regions
    .filter((r) => r.name !== voterRegion)
    .map((r) => ({ app: app.name, region: r.name, evacuate: evacuated.includes(r.name) }));
}

/** The alarm in `voter`'s region on its votes about `region`. */
export function voteAlarm(app: AppConfig, region: string, voter: string): AlarmSpec {
  return {
    region: voter,
    name: `failover-${app.name}-evacuate-${region}`,
    namespace: VOTE_NAMESPACE,
    metricName: VOTE_METRIC,
    dimensions: voteDimensions(app.name, region),
    statistic: 'Maximum',
    periodSeconds: VOTE_PERIOD_SECONDS,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'ignore',
    description: `failover-controller: the ${voter} stack votes to take ${app.name} in ${region} out of DNS (1) or keep it (0)`,
  };
}

/** The child health check on one voter's alarm. */
export function voteCheck(app: AppConfig, region: string, voter: string): HealthCheckSpec {
  const alarm = voteAlarm(app, region, voter);
  return {
    type: 'CLOUDWATCH_METRIC',
    alarmRegion: alarm.region,
    alarmName: alarm.name,
    insufficientDataHealthStatus: 'LastKnownStatus',
    inverted: false,
  };
}

/** The calculated health check on a region's record, over its voters' checks. */
export function regionCheck(app: AppConfig, region: string, childIds: string[]): HealthCheckSpec {
  return {
    type: 'CALCULATED',
    childHealthChecks: [...childIds],
    healthThreshold: childIds.length - votesToEvacuate(app) + 1,
    inverted: false,
  };
}

/** The recovery-control health check of a region (routing-control mode). */
export function controlCheck(app: AppConfig, region: string): HealthCheckSpec {
  const arn = app.traffic.routingControl?.controls[region];
  if (!arn) throw new Error(`${app.name}: no routing control for ${region}`);
  return { type: 'RECOVERY_CONTROL', routingControlArn: arn };
}

/**
 * Route 53's idempotency key for a check: the same app, region, role and
 * spec give the same reference (a repeated provisioning finds the check), a
 * changed spec a new one (Route 53 refuses a reference reused with another spec).
 */
export function callerReference(app: string, region: string, role: string, spec: HealthCheckSpec): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([app, region, role, spec]))
    .digest('hex');
  return `failover-${digest.slice(0, 48)}`;
}

/** The records of a data-plane switch: one per region, each carrying its health check; static from provisioning on. */
export function switchRecords(app: AppConfig, checks: Record<string, string>): DnsRecordSet[] {
  return app.regions.map((region, i) => {
    const record = baseRecord(region);
    record.setIdentifier = region.dns.setIdentifier!;
    if (region.dns.routing === 'failover') record.failover = i === 0 ? 'PRIMARY' : 'SECONDARY';
    else record.weight = 100;
    const check = checks[region.name];
    if (check !== undefined) record.healthCheckId = check;
    return record;
  });
}

function baseRecord(region: RegionConfig): DnsRecordSet {
  const record: DnsRecordSet = { name: region.dns.recordName, type: region.dns.type, values: [] };
  if (region.dns.alias) record.alias = { ...region.dns.alias };
  else {
    record.ttl = region.dns.ttl;
    record.values = [region.dns.value!];
  }
  return record;
}

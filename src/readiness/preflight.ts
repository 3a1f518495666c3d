import type { RegionHealth } from '../health/region-health.js';
import type { ReadinessCheck } from './world-report.js';

/** What a pre-flight gate weighs for one run. */
export interface PreflightInput {
  kind: 'failover' | 'failback';
  /** The region the run would move traffic into. */
  to: string;
  /** That region's health as the probe rounds judge it. */
  health: RegionHealth | undefined;
  riseThreshold: number;
  /** Readiness checks of `to`, read just now. */
  checks: ReadinessCheck[];
}

/** Checks a failback weighs: the way back rebuilds the primary's database, so only its capacity and its stack count. */
const FAILBACK_CHECKS = new Set(['compute-group', 'compute-capacity', 'compute-launch', 'stack-alive']);

/**
 * Checks no gate weighs: the lag. When the writer's region is the one
 * failing, replication into the standby has stopped because of it (RDS
 * reports -1), and what matters is what was lost before the outage began:
 * the run's RPO guard weighs exactly that, and asks an approver when it is
 * over the RPO. Refusing here would refuse every failover from a dead writer.
 * Nor whether the target is a replica of the current writer: the
 * controller's two-writer refusal (failover-target.ts) decides that, and
 * knows the one case where a writer there is fine (a failover that promoted
 * it and stopped short of DNS, run again to finish).
 */
const NOT_GATED = new Set(['standby-endpoint', 'database-lag', 'database-replica']);

/**
 * Why an operator's run into `to` must not start without `force`: the
 * target is not healthy (a failback: not healthy for riseThreshold rounds
 * in a row), or one of its readiness checks fails. Each reason names its
 * check. Empty: the run may start. Pure.
 */
export function preflightFailures(input: PreflightInput): string[] {
  const { to, health, kind } = input;
  const reasons: string[] = [];
  if (!health || health.state !== 'healthy') {
    const state = health ? `${health.state} (${health.consecutiveFailures} failed, ${health.consecutiveSuccesses} good rounds in a row)` : 'not probed yet';
    reasons.push(`standby-endpoint: ${to} is ${state}, not healthy`);
  } else if (kind === 'failback' && health.consecutiveSuccesses < input.riseThreshold) {
    reasons.push(`standby-endpoint: ${to} has been healthy for ${health.consecutiveSuccesses} of the ${input.riseThreshold} rounds a failback waits for`);
  }
  for (const check of input.checks) {
    if (check.region !== to || check.status !== 'failing' || NOT_GATED.has(check.id)) continue;
    if (kind === 'failback' && !FAILBACK_CHECKS.has(check.id)) continue;
    reasons.push(`${check.id}: ${check.sentence}`);
  }
  return reasons;
}

import type { AppPolicy } from '../config/types.js';
import type { RegionHealth } from '../health/region-health.js';
import type { Decision } from './decision.js';

/** Everything the policy looks at, as plain data. */
export interface DecideInput {
  app: string;
  policy: AppPolicy;
  /** Region names in order of preference: the primary first. */
  regions: string[];
  activeRegion: string;
  health: Record<string, RegionHealth>;
  /** The run that currently holds the application, if any. */
  runInProgress?: { id: string; kind: string };
  /** When the last failover run of this application started. */
  lastFailoverAt?: number;
}

/** Observations older than this many probe intervals do not count. */
const STALE_AFTER_INTERVALS = 3;

/**
 * The failover policy. Pure: same input and `now`, same decision.
 * Fails over only when the active region is the primary and unhealthy (fall
 * threshold reached), a standby is healthy on fresh data, automatic failover
 * is on and the cooldown has passed; otherwise holds, and says why.
 */
export function decide(input: DecideInput, now: number): Decision {
  const { app, policy, activeRegion } = input;
  const hold = (reason: string, attention = false): Decision => ({ action: 'hold', app, at: now, reason, attention });
  const staleMs = STALE_AFTER_INTERVALS * policy.probeIntervalSeconds * 1000;
  const fresh = (h: RegionHealth | undefined): h is RegionHealth => h?.lastObservationAt !== undefined && now - h.lastObservationAt <= staleMs;

  if (input.runInProgress) return hold(`${input.runInProgress.kind} run ${input.runInProgress.id} in progress: holding until it ends`);

  const active = input.health[activeRegion];
  if (!fresh(active)) return hold(`no fresh observations of ${activeRegion} (active): holding, a decision needs current data`, active !== undefined);

  const standbys = input.regions.filter((r) => r !== activeRegion);
  switch (active.state) {
    case 'unknown':
      return hold(`${activeRegion} (active) not yet judged: ${active.consecutiveSuccesses + active.consecutiveFailures} round(s) observed`);
    case 'healthy':
      return hold(`${activeRegion} (active) is healthy`);
    case 'suspect':
      return hold(`${activeRegion} (active) is suspect: ${active.consecutiveFailures} of ${policy.fallThreshold} failed rounds before it counts as down`);
    case 'recovering':
      return hold(`${activeRegion} (active) is recovering: ${active.consecutiveSuccesses} of ${policy.riseThreshold} good rounds`, true);
    case 'unhealthy':
      break;
  }

  const downFor = `${activeRegion} (active) unhealthy for ${active.consecutiveFailures} rounds`;
  const target = standbys.find((r) => {
    const h = input.health[r];
    return fresh(h) && h.state === 'healthy';
  });
  if (!target) {
    const others = standbys.map((r) => input.health[r]);
    if (others.every((h) => fresh(h) && h.state === 'unhealthy')) {
      return hold(`all regions unhealthy: holding, the observer itself may be cut off`, true);
    }
    const states = standbys.map((r) => `${r} ${fresh(input.health[r]) ? input.health[r]!.state : 'not observed recently'}`).join(', ');
    return hold(`${downFor}, but no standby is healthy (${states}): holding`, true);
  }
  const primary = input.regions[0];
  if (activeRegion !== primary) {
    // After a failover the other regions' databases still follow the old writer
    // (the primary's is a stale standalone writer): moving on automatically
    // would land on stale data. Only an operator, after a failback or with eyes open, moves it.
    return hold(`${downFor}; the application already failed over from ${primary}, so the other regions' databases are stale: a further move is an operator's decision`, true);
  }
  if (!policy.automaticFailover) {
    return hold(`${downFor}; ${target} is healthy, but automatic failover is off: an operator must fail over`, true);
  }
  if (input.lastFailoverAt !== undefined && now - input.lastFailoverAt < policy.cooldownSeconds * 1000) {
    const left = Math.ceil((input.lastFailoverAt + policy.cooldownSeconds * 1000 - now) / 1000);
    return hold(`${downFor}; ${target} is healthy, but the last failover was less than ${policy.cooldownSeconds} s ago (${left} s of cooldown left): paging instead`, true);
  }
  return {
    action: 'failover',
    app,
    at: now,
    from: activeRegion,
    to: target,
    outageStartedAt: active.failingSince ?? active.since,
    reason: `${downFor} (since ${new Date(active.failingSince ?? active.since).toISOString()}); ${target} is healthy: failing over`,
  };
}

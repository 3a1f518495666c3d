import type { AppPolicy } from '../config/types.js';
import { flapEvidence, isFlapping, type RegionHealth } from '../health/region-health.js';
import type { QuorumCount } from '../health/quorum.js';
import type { Decision, RtoAccount } from './decision.js';

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
  /** Start times of the automatic failovers of the last 24 hours. */
  automaticFailoversLast24h?: number[];
  /** How long a failover took in past runs (median), for RTO accounting. */
  expectedRecoveryMs?: number;
  /** The observer reaches neither the application's regions nor the witness: it is cut off, and its view does not count. */
  observerCutOff?: boolean;
  /** Per region, how many fresh, not cut-off vantage points see it down (present when the policy's quorum is above 1). */
  quorum?: Record<string, QuorumCount>;
}

/** Observations older than this many probe intervals do not count. */
const STALE_AFTER_INTERVALS = 3;
const DAY_MS = 24 * 3600_000;

/**
 * The failover policy. Pure: same input and `now`, same decision.
 * Fails over only when the active region is the primary and unhealthy (fall
 * threshold reached, and not flapping: a streak that follows intermittent
 * failures within the flap window, failed rounds or failed attempts of passed
 * ones, waits until it outlasts the window, see {@link isFlapping}), a
 * standby is healthy on fresh data,
 * automatic failover is on, the cooldown has passed and the daily cap is not
 * reached; fails back automatically only when configured and the primary has
 * been steady for the hold-down. Otherwise holds, and says why.
 */
export function decide(input: DecideInput, now: number): Decision {
  const { app, policy, activeRegion } = input;
  const hold = (reason: string, attention = false): Decision => ({ action: 'hold', app, at: now, reason, attention });
  const staleMs = STALE_AFTER_INTERVALS * policy.probeIntervalSeconds * 1000;
  const fresh = (h: RegionHealth | undefined): h is RegionHealth => h?.lastObservationAt !== undefined && now - h.lastObservationAt <= staleMs;
  const primary = input.regions[0]!;

  if (input.runInProgress) return hold(`${input.runInProgress.kind} run ${input.runInProgress.id} in progress: holding until it ends`);
  if (input.observerCutOff) {
    return hold('this observer reaches neither the application nor the witness: it is probably cut off itself; holding, and paging', true);
  }

  const active = input.health[activeRegion];
  if (!fresh(active)) return hold(`no fresh observations of ${activeRegion} (active): holding, a decision needs current data`, active !== undefined);

  const standbys = input.regions.filter((r) => r !== activeRegion);
  switch (active.state) {
    case 'unknown':
      return hold(`${activeRegion} (active) not yet judged: ${active.consecutiveSuccesses + active.consecutiveFailures} round(s) observed`);
    case 'healthy':
      return activeRegion === primary ? hold(`${activeRegion} (active) is healthy`) : failbackDecision(input, now, fresh);
    case 'suspect':
      return hold(`${activeRegion} (active) is suspect: ${active.consecutiveFailures} of ${policy.fallThreshold} failed rounds before it counts as down`);
    case 'recovering':
      return hold(`${activeRegion} (active) is recovering: ${active.consecutiveSuccesses} of ${policy.riseThreshold} good rounds`, true);
    case 'unhealthy':
      break;
  }

  const downFor = `${activeRegion} (active) unhealthy for ${active.consecutiveFailures} rounds`;
  const votes = input.quorum?.[activeRegion];
  if (policy.quorum > 1 && (!votes || votes.down < policy.quorum)) {
    return hold(`${downFor} from here, but only ${votes?.down ?? 0} of the ${policy.quorum} vantage points needed agree (${votes?.counted ?? 0} count): holding`, true);
  }
  if (isFlapping(active, { window: policy.flapWindowRounds, minFailures: policy.flapMinFailures })) {
    const { failed, shaky } = flapEvidence(active, policy.flapWindowRounds);
    const evidence = shaky === 0 ? `${failed} failed` : `${failed} failed, ${shaky} passed with failed attempts,`;
    return hold(`${downFor}, but it is flapping (${evidence} of the ${policy.flapWindowRounds} rounds before): not an outage until the failures outlast the window`, true);
  }
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
  const today = (input.automaticFailoversLast24h ?? []).filter((t) => now - t < DAY_MS).length;
  if (today >= policy.maxAutomaticFailoversPerDay) {
    return hold(`${downFor}; ${target} is healthy, but ${today} automatic failovers in 24 hours reach the cap of ${policy.maxAutomaticFailoversPerDay}: paging a human instead`, true);
  }
  const outageStartedAt = active.failingSince ?? active.since;
  const rto = rtoAccount(policy, outageStartedAt, now, input.expectedRecoveryMs);
  return {
    action: 'failover',
    app,
    at: now,
    from: activeRegion,
    to: target,
    outageStartedAt,
    rto,
    reason: `${downFor} (since ${new Date(outageStartedAt).toISOString()}); ${target} is healthy: failing over. ${rto.summary}`,
  };
}

/** Automatic failback, when configured: only after the primary has been steady for the hold-down. */
function failbackDecision(input: DecideInput, now: number, fresh: (h: RegionHealth | undefined) => h is RegionHealth): Decision {
  const { app, policy, activeRegion } = input;
  const primary = input.regions[0]!;
  const hold = (reason: string, attention = false): Decision => ({ action: 'hold', app, at: now, reason, attention });
  const home = input.health[primary];
  const base = `${activeRegion} (active, failed over from ${primary}) is healthy`;
  if (policy.failback === 'manual') return hold(`${base}; failback is manual`);
  if (!fresh(home) || home.state !== 'healthy') return hold(`${base}; ${primary} is ${fresh(home) ? home.state : 'not observed recently'}: no failback`);
  // Steady: no failed round for the whole hold-down.
  const steadyMs = home.consecutiveSuccesses * policy.probeIntervalSeconds * 1000;
  const holdDownMs = policy.failbackHoldDownSeconds * 1000;
  if (steadyMs < holdDownMs) {
    return hold(`${base}; ${primary} healthy for ${Math.round(steadyMs / 1000)} s of the ${policy.failbackHoldDownSeconds} s hold-down: no failback yet`);
  }
  return { action: 'failback', app, at: now, from: activeRegion, to: primary, reason: `${primary} steady for ${Math.round(steadyMs / 1000)} s (hold-down ${policy.failbackHoldDownSeconds} s): failing back` };
}

/** When the outage started, when it was detected, how long recovery should take, and whether the RTO holds. */
function rtoAccount(policy: AppPolicy, outageStartedAt: number, detectedAt: number, expectedRecoveryMs: number | undefined): RtoAccount {
  const detectionMs = detectedAt - outageStartedAt;
  const rtoMs = policy.rtoSeconds * 1000;
  if (expectedRecoveryMs === undefined) {
    return { outageStartedAt, detectedAt, rtoSeconds: policy.rtoSeconds, summary: `Detected ${Math.round(detectionMs / 1000)} s after the outage began; no past run to estimate recovery from (RTO ${policy.rtoSeconds} s).` };
  }
  const expectedTotal = detectionMs + expectedRecoveryMs;
  const met = expectedTotal <= rtoMs;
  return {
    outageStartedAt,
    detectedAt,
    rtoSeconds: policy.rtoSeconds,
    expectedRecoveryMs,
    rtoMet: met,
    summary: `Detected ${Math.round(detectionMs / 1000)} s after the outage began; recovery expected in ${Math.round(expectedRecoveryMs / 1000)} s from past runs: ${met ? `within the RTO of ${policy.rtoSeconds} s` : `the RTO of ${policy.rtoSeconds} s cannot be met (${Math.round(expectedTotal / 1000)} s expected)`}.`,
  };
}

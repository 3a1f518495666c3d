import type { ProbeResult } from '../probes/types.js';

/**
 * The health of one region as seen from one vantage point.
 * `unknown` is the state before enough observations have arrived; the other
 * four are the classic hysteresis: healthy → suspect → unhealthy → recovering → healthy.
 */
export type HealthState = 'unknown' | 'healthy' | 'suspect' | 'unhealthy' | 'recovering';

/** One probe round of one region: passed when every probe target passed. */
export interface RegionObservation {
  region: string;
  /** Clock time of the round (ms since epoch). */
  at: number;
  results: ProbeResult[];
}

/** Fall/rise thresholds of the state machine. */
export interface Thresholds {
  fall: number;
  rise: number;
}

/** The state machine's memory for one region. Plain data: safe to store and compare. */
export interface RegionHealth {
  region: string;
  state: HealthState;
  /** When the current state was entered. */
  since: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Time of the first failed round of the current outage; the outage start for RTO accounting. */
  failingSince?: number;
  lastObservationAt?: number;
  lastResults: ProbeResult[];
  /** Outcomes of the most recent rounds, oldest first: 1 passed, 0 failed (at most HISTORY_ROUNDS). */
  recent: number[];
}

/** How many round outcomes a region's health remembers (for flap damping and availability at a glance). */
export const HISTORY_ROUNDS = 64;

/** A region nobody has observed yet. */
export function initialHealth(region: string, now: number): RegionHealth {
  return { region, state: 'unknown', since: now, consecutiveFailures: 0, consecutiveSuccesses: 0, lastResults: [], recent: [] };
}

/** Whether a round passed: every target answered as expected (a region is only as good as its weakest essential check). */
export function roundPassed(observation: RegionObservation): boolean {
  return observation.results.length > 0 && observation.results.every((r) => r.ok);
}

/**
 * Advance the state machine by one observation. Pure: returns a new value.
 * Observations older than the last one seen are ignored, so that a late
 * round cannot undo a newer one.
 */
export function observe(health: RegionHealth, observation: RegionObservation, thresholds: Thresholds): RegionHealth {
  if (health.lastObservationAt !== undefined && observation.at < health.lastObservationAt) return health;
  const passed = roundPassed(observation);
  const successes = passed ? health.consecutiveSuccesses + 1 : 0;
  const failures = passed ? 0 : health.consecutiveFailures + 1;
  const state = nextState(health.state, passed, successes, failures, thresholds);
  // The outage starts with the first failed round of a streak and lasts until the region is healthy again.
  // A good round ends a streak that had not become an outage yet (unknown or suspect).
  const streakBroken = passed && (health.state === 'unknown' || health.state === 'suspect');
  const failingSince = state === 'healthy' || streakBroken ? undefined : passed ? health.failingSince : (health.failingSince ?? observation.at);
  return {
    region: health.region,
    state,
    since: state === health.state ? health.since : observation.at,
    consecutiveFailures: failures,
    consecutiveSuccesses: successes,
    ...(failingSince !== undefined ? { failingSince } : {}),
    lastObservationAt: observation.at,
    lastResults: observation.results,
    recent: [...(health.recent ?? []), passed ? 1 : 0].slice(-HISTORY_ROUNDS),
  };
}

function nextState(state: HealthState, passed: boolean, successes: number, failures: number, t: Thresholds): HealthState {
  switch (state) {
    case 'unknown':
      if (passed) return successes >= t.rise ? 'healthy' : 'unknown';
      return failures >= t.fall ? 'unhealthy' : 'unknown';
    case 'healthy':
    case 'suspect':
      // Not yet an outage: one good round clears a suspicion.
      if (passed) return 'healthy';
      return failures >= t.fall ? 'unhealthy' : 'suspect';
    case 'unhealthy':
    case 'recovering':
      // One failure while recovering means the outage is not over.
      if (!passed) return 'unhealthy';
      return successes >= t.rise ? 'healthy' : 'recovering';
  }
}

/** A one-line summary of the region's last round, e.g. "2/2 probes ok" or "timeout: http://…". */
export function describeResults(results: ProbeResult[]): string {
  if (results.length === 0) return 'no probe results yet';
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return `${results.length}/${results.length} probes ok`;
  const first = failed[0]!;
  return `${failed.length}/${results.length} probes failed (${first.error ?? 'error'}${first.message ? `: ${first.message}` : ''})`;
}

/**
 * Flap damping: a failure streak that follows a window of intermittent
 * failures (at least `minFailures` failed rounds among the `window` rounds
 * before the streak) is a flapping region, not a lost one; until the streak
 * has outlasted the window, it does not count as an outage. A region that was
 * steady before its streak is not flapping, so a hard outage is detected
 * after the fall threshold as usual.
 */
export function isFlapping(health: RegionHealth, options: { window: number; minFailures: number }): boolean {
  const streak = health.consecutiveFailures;
  if (streak === 0 || streak > options.window) return false;
  const before = health.recent.slice(0, health.recent.length - streak).slice(-options.window);
  return before.filter((r) => r === 0).length >= options.minFailures;
}

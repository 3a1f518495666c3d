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
  /**
   * Outcomes of the most recent rounds, oldest first (at most HISTORY_ROUNDS):
   * 1 passed, 0 failed, and SHAKY (0.5) passed although some attempt failed.
   */
  recent: number[];
}

/** A round that passed although some probe attempt failed: the region served some requests and failed others, as flapping does. */
export const SHAKY = 0.5;

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

/** The round as `recent` keeps it: 1 passed, SHAKY passed with a failed attempt, 0 failed. */
export function roundOutcome(observation: RegionObservation): number {
  if (!roundPassed(observation)) return 0;
  return observation.results.some((r) => (r.attempts?.failed ?? 0) > 0) ? SHAKY : 1;
}

/**
 * Advance the state machine by one observation. Pure: returns a new value.
 * Observations older than the last one seen are ignored, so that a late
 * round cannot undo a newer one.
 */
export function observe(health: RegionHealth, observation: RegionObservation, thresholds: Thresholds): RegionHealth {
  if (health.lastObservationAt !== undefined && observation.at < health.lastObservationAt) return health;
  const outcome = roundOutcome(observation);
  const passed = outcome > 0;
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
    recent: [...(health.recent ?? []), outcome].slice(-HISTORY_ROUNDS),
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

/** A one-line summary of the region's last round, e.g. "2/2 probes ok", "1/1 probes ok; 1 of 3 attempts failed (…)" or "1/1 probes failed (timeout: …)". */
export function describeResults(results: ProbeResult[]): string {
  if (results.length === 0) return 'no probe results yet';
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) {
    const shaky = results.find((r) => (r.attempts?.failed ?? 0) > 0);
    return `${results.length}/${results.length} probes ok${shaky?.message ? `; ${shaky.message}` : ''}`;
  }
  const first = failed[0]!;
  return `${failed.length}/${results.length} probes failed (${first.error ?? 'error'}${first.message ? `: ${first.message}` : ''})`;
}

/** Options of flap damping: the policy's `flapWindowRounds` and `flapMinFailures`. */
export interface FlapOptions {
  window: number;
  minFailures: number;
}

/** The flap evidence in the window before a failure streak: rounds that failed, and rounds that passed with a failed attempt. */
export interface FlapEvidence {
  failed: number;
  shaky: number;
}

/**
 * Flap damping. A failure streak is flapping, not an outage, while it is no
 * longer than the flap window and the `window` rounds before it hold at
 * least `minFailures` rounds that saw a failure: a failed round, or a passed
 * round in which some attempt failed (SHAKY). Shaky rounds are what make
 * damping hold from the onset: a region that starts failing a share p of
 * requests at random shows it within a round or two (at p = 40% and 3
 * attempts, 78% of its rounds see a failure, 6.4% fail outright), long
 * before a run of `fall` failed rounds comes along, while a region that goes
 * hard down fails every attempt of every round.
 *
 * `minFailures` 2 (the default) lets a lone blip pass: an outage that
 * follows one odd round is still detected after `fall` rounds. The price is
 * one more round of evidence at the onset of flapping.
 *
 * A region with less evidence than that before its streak is judged on the
 * streak alone, so a hard outage of a steady region is detected after
 * `fall` rounds, as without damping. So is a steady region whose flapping
 * shows itself first as `fall` failed rounds in a row (every attempt of
 * each failing): from one vantage point's rounds it cannot be told from a
 * hard outage. With a attempts that happens with probability about
 * 2 x p^(a x fall) / (1 - (1 - p)^a) per onset (the 2 is `minFailures` 2;
 * the README's table has the figures); more `attempts` per probe is what
 * lowers it without slowing detection.
 */
export function isFlapping(health: RegionHealth, options: FlapOptions): boolean {
  const streak = health.consecutiveFailures;
  if (streak === 0 || streak > options.window) return false;
  const { failed, shaky } = flapEvidence(health, options.window);
  return failed + shaky >= options.minFailures;
}

/** The flap evidence among the `window` rounds before the current failure streak (the streak itself is not evidence), for {@link isFlapping} and the hold's reason. */
export function flapEvidence(health: RegionHealth, window: number): FlapEvidence {
  // `recent` may be shorter than the streak (flap evidence forgotten in the middle of it, see withoutFlapEvidence).
  const before = health.recent.slice(0, Math.max(0, health.recent.length - health.consecutiveFailures)).slice(-window);
  return { failed: before.filter((r) => r === 0).length, shaky: before.filter((r) => r > 0 && r < 1).length };
}

/**
 * The same health without flap evidence: `recent` starts again empty, so
 * the rounds so far (the current failure streak included: a drill's, once
 * healed) never make a later streak look like flapping. The hysteresis
 * (state and counters) is untouched.
 */
export function withoutFlapEvidence(health: RegionHealth): RegionHealth {
  return { ...health, recent: [] };
}

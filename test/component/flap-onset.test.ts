/**
 * Flap damping from the onset of flapping, measured over many seeds.
 *
 * The pure core the controller runs every round is fed the rounds of a
 * primary whose endpoint fails each request with probability `ratio`, as the
 * simulated endpoint's `flapping` mode does: every probe attempt draws on
 * its own, and the attempts are combined into the target's result by the
 * prober's own `combineAttempts`; then the health state machine, then
 * `decide`. The standby always answers. Time is simulated: each round is
 * stamped one interval after the previous one and `decide` gets that `now`,
 * so an hour of 2 s rounds for 500 seeds takes a second or two. The loopback
 * endpoint itself is exercised in policy-scenarios.test.ts.
 *
 * The counts in the test names are measurements (exact, since the generator
 * is deterministic; each case's seeds are named in its describe block, and
 * no two blocks share seeds, so every row is its own sample); the assertions
 * pin them, so a name cannot go stale. Each is also checked against the rate
 * the math expects ({@link expectedPerOnset}).
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import type { AppPolicy } from '../../src/config/types.js';
import { initialHealth, observe, type RegionHealth } from '../../src/health/region-health.js';
import { decide } from '../../src/policy/decide.js';
import { combineAttempts } from '../../src/probes/attempts.js';
import type { ProbeResult } from '../../src/probes/types.js';

const PRIMARY = 'us-east-1';
const STANDBY = 'eu-west-1';
const SEEDS = 500;
const ONSETS = 10;

/** mulberry32: small, fast and well mixed, so seeds 1..N give independent runs. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a user's config gives: the loader fills every default (attempts and flap damping included). */
function configOf(policy: Partial<AppPolicy>, attempts?: number): { policy: AppPolicy; attempts: number } {
  const region = (name: string, n: number) => ({
    name,
    probes: [{ url: `https://${name}.shop.example.com/health`, ...(attempts !== undefined ? { attempts } : {}) }],
    database: { engine: 'rds', instanceId: `shop-db-${n}` },
    compute: { autoScalingGroup: `shop-web-${n}`, standbyCapacity: 1, activeCapacity: 4 },
    dns: { hostedZoneId: 'Z0TEST', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
  });
  const app = validateConfig({ applications: [{ name: 'shop', policy, regions: [region(PRIMARY, 1), region(STANDBY, 2)] }] }).applications[0]!;
  return { policy: app.policy, attempts: app.regions[0]!.probes[0]!.attempts! };
}

interface Setup {
  name: string;
  policy: AppPolicy;
  attempts: number;
}

/** examples/failover.yaml: fall 3, 2 s rounds, the default attempts (3). */
const EXAMPLE: Setup = { name: 'examples/failover.yaml: fall 3 x 2 s, 3 attempts', ...configOf({ fallThreshold: 3, probeIntervalSeconds: 2 }) };
/** Every default: fall 3, 5 s rounds, 3 attempts, flap window 20, flapMinFailures 2. */
const DEFAULTS: Setup = { name: 'the defaults: fall 3 x 5 s, 3 attempts', ...configOf({}) };
/** The example's thresholds with 5 attempts per probe: what the README suggests for an endpoint that may flap at 40% or more. */
const FIVE_ATTEMPTS: Setup = { name: 'fall 3 x 2 s, 5 attempts', ...configOf({ fallThreshold: 3, probeIntervalSeconds: 2 }, 5) };

/**
 * A stretch of the scenario, in rounds: each request to the primary fails
 * with probability `ratio` (0 steady, 1 hard down), or exactly `failed` of
 * each round's attempts fail (a blip).
 */
interface Phase {
  rounds: number;
  ratio: number;
  failed?: number;
}

/** What one run of a scenario came to. */
interface Run {
  /** Flapping phases that began before the run ended. */
  onsets: number;
  failover?: {
    /** Rounds from the start of the phase the failover happened in. */
    roundsIntoPhase: number;
    /** The primary's round outcomes before the failing streak, within the flap window (1 passed, 0.5 passed with a failed attempt, 0 failed). */
    windowBeforeStreak: number[];
  };
}

const START = Date.UTC(2026, 10, 24, 12, 0, 0);

/**
 * The prober's result for a target whose round had `failed` of `attempts`
 * requests fail, combined as the prober combines them. Only the count of
 * failures matters to health, so the result is built once per count and
 * reused: that keeps 500 seed-hours of rounds fast.
 */
function resultsByFailures(url: string, attempts: number): ProbeResult[] {
  const pass: ProbeResult = { url, ok: true, status: 200, latencyMs: 1, at: START };
  const fail: ProbeResult = { url, ok: false, status: 503, error: 'status', message: 'expected HTTP 200, got 503', latencyMs: 1, at: START };
  return Array.from({ length: attempts + 1 }, (_, failed) => combineAttempts(Array.from({ length: attempts }, (__, i) => (i < failed ? fail : pass))));
}

/** How many of `attempts` requests fail, each on its own with probability `ratio`. */
function failedAttempts(attempts: number, ratio: number, random: () => number): number {
  if (ratio === 0) return 0;
  if (ratio === 1) return attempts;
  let failed = 0;
  for (let i = 0; i < attempts; i++) if (random() < ratio) failed++;
  return failed;
}

/** Run `phases` round by round; a failover ends the run (the primary is no longer active). */
function simulate(config: Setup, phases: Phase[], seed: number): Run {
  const { policy, attempts } = config;
  const random = seeded(seed);
  const intervalMs = policy.probeIntervalSeconds * 1000;
  const thresholds = { fall: policy.fallThreshold, rise: policy.riseThreshold };
  let now = START;
  let primary: RegionHealth = initialHealth(PRIMARY, now);
  const primaryResults = resultsByFailures(PRIMARY, attempts);
  // The standby answers every round; the state machine only needs `rise` of them, plus a fresh one when decide() looks.
  const standbyRound = (at: number) => ({ region: STANDBY, at, results: [resultsByFailures(STANDBY, attempts)[0]!] });
  let standby: RegionHealth = initialHealth(STANDBY, now);
  for (let i = 0; i < policy.riseThreshold; i++) standby = observe(standby, standbyRound(now), thresholds);
  let onsets = 0;
  for (const phase of phases) {
    if (phase.ratio > 0 && phase.ratio < 1) onsets++;
    for (let round = 1; round <= phase.rounds; round++) {
      now += intervalMs;
      const result = primaryResults[phase.failed ?? failedAttempts(attempts, phase.ratio, random)]!;
      primary = observe(primary, { region: PRIMARY, at: now, results: [result] }, thresholds);
      // decide() holds whenever the active region is not unhealthy; asking it only then keeps 500 seed-hours fast.
      if (primary.state !== 'unhealthy') continue;
      standby = observe(standby, standbyRound(now), thresholds);
      const decision = decide({ app: 'shop', policy, regions: [PRIMARY, STANDBY], activeRegion: PRIMARY, health: { [PRIMARY]: primary, [STANDBY]: standby } }, now);
      if (decision.action === 'failover') {
        const before = primary.recent.slice(0, primary.recent.length - primary.consecutiveFailures).slice(-policy.flapWindowRounds);
        return { onsets, failover: { roundsIntoPhase: round, windowBeforeStreak: before } };
      }
    }
  }
  return { onsets };
}

/** Seeds firstSeed .. firstSeed + SEEDS - 1. */
function many(config: Setup, phases: Phase[], firstSeed: number): { failovers: Run[]; onsets: number } {
  const runs = Array.from({ length: SEEDS }, (_, i) => simulate(config, phases, firstSeed + i));
  return { failovers: runs.filter((r) => r.failover), onsets: runs.reduce((n, r) => n + r.onsets, 0) };
}

/**
 * The false-failover rate per onset the math expects, with `minFailures` 2
 * (checked against 40,000 onsets of this simulation at 50%: 4.3e-3 measured
 * on fresh seeds, 4.2e-3 expected). A round fails when all a attempts fail
 * (q = p^a) and sees a failure at all with probability n = 1 - (1 - p)^a.
 * Flapping that shows itself first as `fall` failed rounds in a row looks
 * exactly like a hard outage: r = p^(a x fall) / n. With two rounds of
 * evidence needed, the same streak can also follow the first round that saw
 * a failure, unless that round was the start of a longer failed streak
 * (itself evidence): r x (2 - q). Later streaks find the window full of
 * evidence (at 20%, 49% of rounds see a failure).
 */
function expectedPerOnset(p: number, attempts: number, fall: number): number {
  const q = p ** attempts;
  const n = 1 - (1 - p) ** attempts;
  return (p ** (attempts * fall) / n) * (2 - q);
}

/** The measured count is plausible for the expected rate: within what a Poisson count would give 999 times in 1000. */
function expectPlausible(count: number, onsets: number, rate: number): void {
  const mean = rate * onsets;
  const slack = 3.3 * Math.sqrt(mean) + 2;
  expect(Math.abs(count - mean), `${count} failovers in ${onsets} onsets against ${mean.toFixed(3)} expected`).toBeLessThanOrEqual(slack);
}

/** A failover on a streak that came with at most one round of evidence before it: the only kind damping lets through. */
const fromTheOnset = (r: Run) => r.failover!.windowBeforeStreak.filter((x) => x < 1).length <= 1;

/** Steady for a minute, then `ratio` for an hour. */
const hourOfFlapping = (intervalS: number, ratio: number): Phase[] => [
  { rounds: 60 / intervalS, ratio: 0 },
  { rounds: 3600 / intervalS, ratio },
];

/**
 * Ten onsets: each is 30 rounds of flapping after 30 steady rounds (longer
 * than the flap window of 20, so every onset starts from a steady window,
 * the case damping finds hardest).
 */
const tenOnsets = (ratio: number): Phase[] => Array.from({ length: ONSETS }, () => [{ rounds: 30, ratio: 0 }, { rounds: 30, ratio }]).flat();

/** One measured case: false failovers over an hour (of SEEDS seeds) and over ten onsets (of about ONSETS x SEEDS onsets). */
interface Case {
  setup: Setup;
  ratio: number;
  hour: number;
  onsets: { failovers: number; of: number };
}

/** The measurements; the seeds of each block are below. */
const CASES: Case[] = [
  { setup: EXAMPLE, ratio: 0.2, hour: 0, onsets: { failovers: 0, of: 5000 } },
  { setup: EXAMPLE, ratio: 0.4, hour: 2, onsets: { failovers: 2, of: 4983 } },
  { setup: EXAMPLE, ratio: 0.5, hour: 2, onsets: { failovers: 23, of: 4895 } },
  { setup: DEFAULTS, ratio: 0.2, hour: 0, onsets: { failovers: 0, of: 5000 } },
  { setup: DEFAULTS, ratio: 0.4, hour: 0, onsets: { failovers: 3, of: 4991 } },
  { setup: DEFAULTS, ratio: 0.5, hour: 5, onsets: { failovers: 20, of: 4908 } },
  { setup: FIVE_ATTEMPTS, ratio: 0.4, hour: 0, onsets: { failovers: 0, of: 5000 } },
  { setup: FIVE_ATTEMPTS, ratio: 0.5, hour: 0, onsets: { failovers: 0, of: 5000 } },
];

const pct = (x: number) => `${Math.round(x * 100)}%`;
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const SETUPS = [EXAMPLE, DEFAULTS, FIVE_ATTEMPTS];

SETUPS.forEach((setup, s) => {
  const { fallThreshold: fall, probeIntervalSeconds: interval } = setup.policy;
  // Seed blocks of SEEDS each, none shared: the hour of setup s uses block 2s, its onsets block 2s + 1 (so 1..500 and 501..1000 for the example).
  const hourSeed = 1 + 2 * s * SEEDS;
  const onsetSeed = hourSeed + SEEDS;
  describe(`flap damping from the onset, ${setup.name}: each request failing at random, ${SEEDS} seeds per case (hour: seeds ${hourSeed}..${hourSeed + SEEDS - 1}, onsets: ${onsetSeed}..${onsetSeed + SEEDS - 1})`, () => {
    for (const c of CASES.filter((x) => x.setup === setup)) {
      const perOnset = expectedPerOnset(c.ratio, setup.attempts, fall);
      it(`${pct(c.ratio)} for an hour from a steady start: ${c.hour} of ${SEEDS} seeds fail over (expected ${sci(perOnset)} per onset: ${(perOnset * SEEDS).toFixed(3)} in ${SEEDS})`, () => {
        const { failovers, onsets } = many(setup, hourOfFlapping(interval, c.ratio), hourSeed);
        expect(onsets).toBe(SEEDS);
        expect(failovers.filter((r) => !fromTheOnset(r)), 'failovers after two or more rounds of flap evidence').toEqual([]);
        expect(failovers.length, `false failovers: ${failovers.length} of ${SEEDS} seeds`).toBe(c.hour);
        expectPlausible(failovers.length, onsets, perOnset);
      });

      it(`${pct(c.ratio)}, ten onsets from a steady window: ${c.onsets.failovers} of ${c.onsets.of} onsets fail over (expected ${sci(perOnset)} per onset: ${(perOnset * c.onsets.of).toFixed(2)} in ${c.onsets.of})`, () => {
        const { failovers, onsets } = many(setup, tenOnsets(c.ratio), onsetSeed);
        expect(failovers.filter((r) => !fromTheOnset(r)), 'failovers after two or more rounds of flap evidence').toEqual([]);
        // A run ends at its failover: the onsets after it never happen.
        expect({ failovers: failovers.length, of: onsets }, `false failovers: ${failovers.length} of ${onsets} onsets`).toEqual(c.onsets);
        expectPlausible(failovers.length, onsets, perOnset);
      });
    }
  });
});

describe('a hard outage is still detected on the fall-th failed round, within fall x interval, lone blip or not', () => {
  const steady = (rounds: number): Phase => ({ rounds, ratio: 0 });
  const down: Phase = { rounds: 100, ratio: 1 };

  for (const setup of [EXAMPLE, DEFAULTS, FIVE_ATTEMPTS]) {
    const { fallThreshold: fall, probeIntervalSeconds: interval, flapWindowRounds: window } = setup.policy;

    it(`${setup.name}: from a steady start, failover on failed round ${fall} (${fall * interval} s)`, () => {
      // The outage lands somewhere in the interval before its first failed round, so outage to decision is (fall - 1) intervals plus up to one.
      const run = simulate(setup, [steady(30), down], 1);
      expect(run.failover?.roundsIntoPhase).toBe(fall);
      expect(run.failover!.windowBeforeStreak.every((x) => x === 1)).toBe(true);
    });

    it(`${setup.name}: after a lone blip (a failed round, or a round with one failed attempt) 2 rounds earlier, still failed round ${fall}`, () => {
      for (const blip of [{ rounds: 1, ratio: 1 }, { rounds: 1, ratio: 0, failed: 1 }]) {
        const run = simulate(setup, [steady(30), blip, steady(2), down], 1);
        expect(run.failover?.roundsIntoPhase).toBe(fall);
      }
    });

    it(`${setup.name}: the price of damping: after two blips within the window, detection waits until the streak outlasts it (${window + 1} rounds)`, () => {
      const blip: Phase = { rounds: 1, ratio: 0, failed: 1 };
      const run = simulate(setup, [steady(30), blip, steady(3), blip, steady(2), down], 1);
      expect(run.failover?.roundsIntoPhase).toBe(window + 1);
    });
  }
});

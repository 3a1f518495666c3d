import type { Logger } from 'pino';
import { type ConfigIssue, formatIssue } from './config-error.js';
import type { Config } from './types.js';

/**
 * The share of the probe interval a probe's timeout may take.
 *
 * The controller probes in rounds, and a round ends only when its slowest
 * probe has answered or timed out (src/controller/controller.ts, tick). A
 * refused endpoint fails at once, but a hung one (accepts, never answers)
 * holds the round for the whole timeout. Detection within fallThreshold ×
 * interval assumes each round ends before the next is due; a timeout at or
 * over the interval breaks that on every round against a hung endpoint (the
 * loop then runs one round per timeout, so detection becomes fall × timeout),
 * and a timeout just under it still overruns, because the round also stores
 * its observations and decides (tens of ms locally, more against DynamoDB
 * from a Lambda function). 80% leaves a fifth of the interval for that work
 * and for the probe's own connection set-up, and every shipped example
 * (1 s of 2 s, 2 s of 5 s) is well inside it. BENCHMARKS.md, detection
 * latency, measures the cost of a hung primary.
 */
export const MAX_TIMEOUT_SHARE_OF_INTERVAL = 0.8;

/**
 * Advice on a valid configuration: settings the controller runs with, but
 * that work against what the operator most likely wants. Unlike the
 * semantic checks (semantic-checks.ts), a warning never makes the config
 * invalid. Each names the field to change, in the same path form as errors.
 */
export function configWarnings(config: Config): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  // One round probes every application that is due, and the witness, together: a hung endpoint of any of them holds up
  // the round, so every timeout is weighed against the shortest interval of all, not only its own application's.
  const intervals = config.applications.map((app) => Math.round(app.policy.probeIntervalSeconds * 1000));
  const shortest = Math.min(...intervals);
  const shortestAt = intervals.indexOf(shortest);
  const limitMs = Math.floor(shortest * MAX_TIMEOUT_SHARE_OF_INTERVAL);
  const against = (a: number | undefined) =>
    a === shortestAt || (a !== undefined && intervals[a] === shortest)
      ? `applications[${a}].policy.probeIntervalSeconds (${ms(shortest)})`
      : `the shortest probe interval, applications[${shortestAt}].policy.probeIntervalSeconds (${ms(shortest)}), since a round probes every application that is due, and the witness, together`;
  const advice = `a round waits for its slowest probe, so a hung endpoint makes rounds overrun the interval and failure detection slower than fallThreshold × interval; set it to at most ${limitMs} ms (2000 ms when not set)`;
  config.applications.forEach((app, a) => {
    app.regions.forEach((region, r) => {
      region.probes.forEach((probe, p) => {
        if (probe.timeoutMs <= limitMs) return;
        warnings.push({ path: `applications[${a}].regions[${r}].probes[${p}].timeoutMs`, message: `${probe.timeoutMs} ms is over ${percent()} of ${against(a)}: ${advice}` });
      });
    });
  });
  config.witness.forEach((probe, w) => {
    if (probe.timeoutMs <= limitMs) return;
    warnings.push({ path: `witness[${w}].timeoutMs`, message: `${probe.timeoutMs} ms is over ${percent()} of ${against(undefined)}: ${advice}` });
  });
  return warnings;
}

/** Log each warning of `config` at warn level with its path (startup of `npm start` and of the Lambda functions). */
export function logConfigWarnings(log: Logger, config: Config): void {
  for (const warning of configWarnings(config)) log.warn({ configPath: warning.path }, `config warning: ${formatIssue(warning)}`);
}

function percent(): string {
  return `${Math.round(MAX_TIMEOUT_SHARE_OF_INTERVAL * 100)}%`;
}

function ms(value: number): string {
  return value % 1000 === 0 ? `${value / 1000} s` : `${value} ms`;
}

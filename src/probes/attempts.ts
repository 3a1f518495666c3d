import type { ProbeErrorClass, ProbeResult, ProbeTarget } from './types.js';

/** Most attempts a target may ask for per round (the config's limit too). */
export const MAX_ATTEMPTS = 10;

/** How many requests a round sends to `target`: its `attempts`, 1 when unset, within 1..MAX_ATTEMPTS whatever a caller built. */
export function attemptsOf(target: Pick<ProbeTarget, 'attempts'>): number {
  const n = target.attempts ?? 1;
  return Number.isFinite(n) ? Math.min(MAX_ATTEMPTS, Math.max(1, Math.floor(n))) : 1;
}

/**
 * One target's result for a round, from the results of its attempts (sent
 * at once, so `results` is in the order they were sent).
 *
 * Why "any attempt passed": a region that serves some requests and fails
 * others within the same moment is flapping, not lost; a lost region fails
 * them all. So a failed round (every attempt failed) is strong evidence of an
 * outage, and a passed round with failed attempts is evidence of flapping
 * that health/ keeps (see `isFlapping`). This is how Route 53 tells the two
 * apart with many checkers, here within one vantage point.
 *
 * Pure, and shared with the tests that model per-request randomness, so
 * they judge attempts exactly as the prober does. A single attempt is
 * returned as it is.
 */
export function combineAttempts(results: readonly ProbeResult[]): ProbeResult {
  if (results.length === 0) throw new RangeError('combineAttempts: no attempts');
  if (results.length === 1) return results[0]!;
  const of = results.length;
  const failedOnes = results.filter((r) => !r.ok);
  const attempts = { failed: failedOnes.length, of };
  const at = Math.min(...results.map((r) => r.at));
  const passed = results.filter((r) => r.ok);
  if (passed.length > 0) {
    const best = passed.reduce((a, b) => (b.latencyMs < a.latencyMs ? b : a));
    const { error: _error, message: _message, ...rest } = best;
    const why = failedOnes.length > 0 ? { message: `${failedOnes.length} of ${of} attempts failed (${failureSummary(failedOnes)})` } : {};
    return { ...rest, at, attempts, ...why };
  }
  // Every attempt failed: the first one speaks for the round (its status, error and message), the slowest for how long it took.
  const first = failedOnes[0]!;
  const latencyMs = Math.max(...failedOnes.map((r) => r.latencyMs));
  const classes = distinctClasses(failedOnes);
  const message = `${first.message ?? first.error ?? 'failed'}; all ${of} attempts failed${classes.length > 1 ? ` (${classCounts(failedOnes, classes)})` : ''}`;
  return { ...first, at, latencyMs, attempts, message };
}

function distinctClasses(failed: readonly ProbeResult[]): (ProbeErrorClass | 'error')[] {
  return [...new Set(failed.map((r) => r.error ?? 'error'))];
}

/** "timeout x2, status" — which error classes the failed attempts had, and how often. */
function classCounts(failed: readonly ProbeResult[], classes: readonly (ProbeErrorClass | 'error')[]): string {
  return classes
    .map((c) => {
      const n = failed.filter((r) => (r.error ?? 'error') === c).length;
      return n > 1 ? `${c} x${n}` : c;
    })
    .join(', ');
}

/** The failed attempts of a passed round, in a few words: the first one's explanation, and the classes when they differ. */
function failureSummary(failed: readonly ProbeResult[]): string {
  const classes = distinctClasses(failed);
  if (classes.length > 1) return classCounts(failed, classes);
  const first = failed[0]!;
  return `${first.error ?? 'error'}${first.message ? `: ${first.message}` : ''}`;
}

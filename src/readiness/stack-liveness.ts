import type { ObservationRecord } from '../ports/state-store.js';
import type { ReadinessCheck } from './world-report.js';

/**
 * Are the other controllers alive: every vantage point that should be
 * probing (on AWS, the stack of each region) stored a round recently. The
 * controllers watch each other this way, through the rounds they already
 * store for the quorum: no call of its own. Pure.
 *
 * @param rounds the app's stored rounds of one region since some window start, every vantage point's
 * @param expected the vantage points that must be probing (on AWS, the app's regions; locally, none beyond those seen)
 * @param staleMs how old a vantage point's newest round may be
 */
export function stackChecks(rounds: ObservationRecord[], expected: string[], now: number, staleMs: number): ReadinessCheck[] {
  const newest = new Map<string, number>();
  for (const r of rounds) newest.set(r.vantage, Math.max(newest.get(r.vantage) ?? 0, r.at));
  const vantages = [...new Set([...expected, ...newest.keys()])].sort();
  return vantages.map((vantage) => {
    const at = newest.get(vantage);
    const stack = `the controller at ${vantage}`;
    if (at === undefined) {
      return { id: 'stack-alive', region: vantage, status: 'failing', sentence: `${stack} has stored no probe round recently: it is not running, or cannot write the state table`, fix: `look at the probe function's logs and errors in ${vantage} (serverless logs -f probe --region ${vantage})` };
    }
    const ago = Math.round((now - at) / 1000);
    if (now - at > staleMs) {
      return { id: 'stack-alive', region: vantage, status: 'failing', sentence: `${stack} has stored no probe round for ${ago} s: it has gone silent`, fix: `look at the probe function's logs and errors in ${vantage} (serverless logs -f probe --region ${vantage})` };
    }
    return { id: 'stack-alive', region: vantage, status: 'ok', sentence: `${stack} stored its last probe round ${ago} s ago` };
  });
}

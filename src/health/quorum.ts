import type { ObservationRecord } from '../ports/state-store.js';

/** One vantage point's view of a region, from its recent rounds. */
export interface VantageVote {
  vantage: string;
  /** Its last `fall` rounds of the region all failed. */
  down: boolean;
  /** Its latest round is recent enough to count. */
  fresh: boolean;
  /** Its latest round reached nothing at all (no region, no witness): its view does not count. */
  cutOff: boolean;
}

/** How many counted vantage points see a region down, out of how many count. */
export interface QuorumCount {
  down: number;
  counted: number;
  vantages: string[];
}

/**
 * The votes of the vantage points, from the observations they stored:
 * `regionRounds` are one region's rounds from every vantage point,
 * `reachAnything` says per vantage and round time whether that round reached
 * anything (another region or the witness). Pure.
 */
export function votesFromObservations(
  regionRounds: ObservationRecord[],
  reachAnything: (vantage: string, at: number) => boolean,
  options: { fall: number; now: number; staleMs: number },
): VantageVote[] {
  const byVantage = new Map<string, ObservationRecord[]>();
  for (const o of regionRounds) byVantage.set(o.vantage, [...(byVantage.get(o.vantage) ?? []), o]);
  return [...byVantage].map(([vantage, rounds]) => {
    rounds.sort((a, b) => a.at - b.at);
    const last = rounds.slice(-options.fall);
    const latest = rounds.at(-1)!;
    return {
      vantage,
      down: last.length >= options.fall && last.every((r) => !r.ok),
      fresh: options.now - latest.at <= options.staleMs,
      cutOff: !latest.ok && !reachAnything(vantage, latest.at),
    };
  });
}

/** Count the votes that matter: fresh and not cut off. */
export function countQuorum(votes: VantageVote[]): QuorumCount {
  const counted = votes.filter((v) => v.fresh && !v.cutOff);
  return { down: counted.filter((v) => v.down).length, counted: counted.length, vantages: counted.filter((v) => v.down).map((v) => v.vantage) };
}

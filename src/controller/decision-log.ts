import type { Decision, DecisionInputs } from '../policy/decision.js';

/**
 * What makes two decisions the same one: the action, its target, whether it
 * needs a person, and the world it was taken in (the active region, each
 * region's state, a run in progress, the observer cut off). Not the reason:
 * reasons carry counts that move every round ("unhealthy for 7 rounds"), and
 * a steady outage must read as one decision held, not one per round. Nor the
 * streak counts and votes in the inputs, for the same reason. Pure.
 */
export function decisionIdentity(decision: Decision, inputs: DecisionInputs): string {
  return JSON.stringify([
    decision.app,
    decision.action,
    decision.action === 'hold' ? null : decision.to,
    decision.action === 'hold' ? decision.attention : null,
    inputs.activeRegion,
    inputs.regions.map((r) => [r.name, r.state]),
    inputs.observerCutOff,
    inputs.runInProgress ?? null,
  ]);
}

/** What to store for a round's decision, and whether it is a change (a new entry: log it, notify) or the last one held on. */
export interface DecisionEntry {
  entry: Decision;
  changed: boolean;
}

/**
 * The longest gap between two rounds across which a decision still counts
 * as held: a few probe intervals, and at least the hand-over from one
 * Lambda invocation to the next. A longer gap (the controller was down) is
 * not a decision held: the round after it starts a new entry.
 */
export function maxHeldGapMs(probeIntervalSeconds: number): number {
  return Math.max(120_000, 3 * probeIntervalSeconds * 1000);
}

/**
 * The entry to store for `decision` (seen with `inputs`), given the entry
 * recorded last for its application: the same decision held on is that
 * entry again, under its first `at` (the store's key: the write replaces
 * it), one round more, with the latest reason and inputs; anything else is
 * a new entry of one round. An entry recorded without inputs cannot be
 * compared, and one whose latest round is older than `maxGapMs` was not
 * held since: the decision after either is a new one. Pure.
 */
export function nextDecisionEntry(last: Decision | undefined, decision: Decision, inputs: DecisionInputs, options: { maxGapMs: number }): DecisionEntry {
  const held = last?.inputs !== undefined && decision.at - (last.lastAt ?? last.at) <= options.maxGapMs && decisionIdentity(last, last.inputs) === decisionIdentity(decision, inputs);
  if (held) return { changed: false, entry: { ...decision, inputs, at: last.at, count: (last.count ?? 1) + 1, lastAt: decision.at } };
  return { changed: true, entry: { ...decision, inputs, count: 1, lastAt: decision.at } };
}

import type { RegionHealth } from '../health/region-health.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord, FailoverHold } from './drill.js';

/**
 * The hold a drill leaves when it ends with its injected outage healed and
 * no failover of its own that moved traffic: ended while the outage was
 * being detected (aborted, or given up), or after its failover run failed
 * or was cancelled (an RPO gate rejected, an operator's cancel). Pure; read
 * before the drill's stage is set to `ended`. `failoverRun` is the drill's
 * failover run as read now, if it has one.
 *
 * Why: the controller counted failed probe rounds of the region while the
 * outage was in; its health state machine keeps the region down until rise
 * good rounds, and a round in flight when the drill was aborted still comes
 * back failed. Without a hold, a controller that had (fall − 1) failed rounds
 * fails over on the next one, and a drill the operator aborted (or whose
 * failover the operator refused) moves production traffic anyway. A failover
 * run that succeeded or still runs is the drill's answer to its outage:
 * nothing is left to hold (one that is missing from the store counts as
 * failed).
 */
export function holdLeftBy(drill: DrillRecord, failoverRun?: RunRecord): FailoverHold | undefined {
  const healedAt = drill.milestones.healedAt;
  if (drill.trigger !== 'injected-outage' || healedAt === undefined) return undefined;
  // A failover run that is not in the store moved nothing anyone can see: it counts as failed, and the hold stays.
  if (drill.failoverRunId !== undefined && (failoverRun?.status === 'running' || failoverRun?.status === 'succeeded')) return undefined;
  return { region: drill.from, healedAt };
}

/** A hold in place of a failover: why, and whether it pages (a human must act). */
export interface RetryHold {
  reason: string;
  attention: boolean;
}

/**
 * Whether a failover away from a running drill's region must be held
 * because the drill's own failover run has already ended without moving
 * traffic (failed, or cancelled) and its outage is still in until the
 * drill's next step heals it; undefined when it stands. Pure.
 *
 * The controller decides before the drill steps in the same tick, so
 * without this it would start a second failover on the drill's outage the
 * moment the first one was rejected or cancelled. The hold is quiet while
 * the heal is expected to come; once the heal has failed for longer than
 * the drill waits (it has asked for an operator: see DrillBook.heal), the
 * hold pages, saying the injected outage could not be healed: held quietly,
 * a region kept down by a fault nobody can heal would stay down with nobody told.
 */
export function retryHoldReason(drill: DrillRecord, from: string, failoverRun: RunRecord | undefined): RetryHold | undefined {
  if (drill.status !== 'running' || drill.trigger !== 'injected-outage' || drill.from !== from || drill.stage !== 'failing-over') return undefined;
  if (!failoverRun || failoverRun.id !== drill.failoverRunId || failoverRun.status === 'running' || failoverRun.status === 'succeeded') return undefined;
  const stuck = drill.healFailure?.alarmedAt !== undefined ? drill.healFailure : undefined;
  if (stuck) {
    return {
      reason:
        `${from} is down under the injected outage of game day ${drill.id}, whose failover run ${failoverRun.id} ${failoverRun.status}, and the outage could not be healed ` +
        `since ${new Date(stuck.since).toISOString()} (${stuck.error}): no second failover on the drill's evidence, but ${from} stays down until an operator heals it or fails over by hand`,
      attention: true,
    };
  }
  return {
    reason: `${from} is down under the injected outage of game day ${drill.id}, whose failover run ${failoverRun.id} ${failoverRun.status}: no second failover on the drill's evidence; the drill heals ${from} on its next step`,
    attention: false,
  };
}

/**
 * Why the controller's failover away from `from` must be held because a
 * running game day rehearses the operator's decision on its injected outage
 * (decider `operator`, still detecting), or undefined when it stands. Pure.
 *
 * Without it, the controller would fail over in the very round that judges
 * the region down, before the drill's step in the same tick, and the drill
 * would only ever adopt the controller's run: the operator's path it was
 * asked to rehearse would never be taken. The hold is quiet: the drill fails
 * over by hand in the same tick (and it ends, healed, at its deadline if it
 * cannot).
 */
export function operatorDecisionHold(drill: DrillRecord, from: string): string | undefined {
  if (drill.status !== 'running' || drill.trigger !== 'injected-outage' || drill.stage !== 'detecting' || drill.from !== from || drill.decider !== 'operator') return undefined;
  return `${from} is down under the injected outage of game day ${drill.id}, which leaves the failover decision to the operator (decision: operator): the drill fails over by hand as the paged operator would, not the controller`;
}

/** What a proposed failover away from a region is checked against. */
export interface FailoverEvidence {
  /** The newest drill of the application (read strongly). */
  drill: DrillRecord;
  /** The region the failover would leave. */
  from: string;
  /** That region's health as this controller judged it. */
  health: RegionHealth;
  /** This controller's probe rounds of the region since the heal (all of them: the hold lifts on a count of rounds, not on a span of time), any order. */
  roundsSinceHeal: { at: number; ok: boolean }[];
  fallThreshold: number;
}

/**
 * Why a proposed failover must be held because its evidence is a drill's
 * healed outage, or undefined when it stands. Pure.
 *
 * The failure streak is the drill's when it began no later than the heal.
 * It stops being only the drill's once the region has failed `fall` rounds
 * in a row after the heal: that is an outage of its own, and the failover
 * goes ahead. A streak that began after the heal was never the drill's.
 */
export function drillHoldReason(e: FailoverEvidence): string | undefined {
  const hold = e.drill.failoverHold;
  if (!hold || hold.region !== e.from) return undefined;
  const streakSince = e.health.failingSince;
  if (streakSince === undefined || streakSince > hold.healedAt) return undefined;
  // A round stamped at the heal's own instant was probed before it (a round is stamped when it starts).
  const after = e.roundsSinceHeal.filter((r) => r.at > hold.healedAt).sort((a, b) => a.at - b.at);
  let failedSince = 0;
  while (failedSince < after.length && !after[after.length - 1 - failedSince]!.ok) failedSince++;
  if (failedSince >= e.fallThreshold) return undefined;
  const ended = e.drill.status === 'aborted' ? `was aborted${e.drill.abort ? ` by ${e.drill.abort.by}` : ''}` : `ended ${e.drill.status}`;
  return (
    `${e.from} (active) unhealthy for ${e.health.consecutiveFailures} rounds, but the failures began under the injected outage of game day ${e.drill.id}, ` +
    `which ${ended} and healed ${e.from} at ${new Date(hold.healedAt).toISOString()}: no failover on the drill's evidence; ` +
    `holding until ${e.from} answers again (${e.fallThreshold} failed rounds in a row after the heal would be an outage of its own; ${failedSince} so far)`
  );
}

import type { RunRecord } from '../runbook/run.js';
import type { DrillCoverage, DrillRecord } from './drill.js';
import { seconds } from './drill-report.js';

/**
 * Which links of the chain a game day exercised, stood in for or skipped:
 * injection, detection, decision, failover, the named runbooks (only for a
 * game day that asked for some), failback, in that order. Pure.
 *
 * Why it is said apart from the timed phases: a phase can be timed and
 * still not be the controller's. A drill that failed over by hand after
 * the controller held did time a "decision", but it rehearsed the paged
 * operator, not the policy; a game day begun by a manual failover (AWS)
 * exercised neither detection nor decision. An SRE reading "RTO met" must
 * see which of the links were really tested.
 */
export function drillCoverage(
  drill: DrillRecord,
  failoverRun?: RunRecord,
  failbackRun?: RunRecord,
  runbookRuns: RunRecord[] = [],
): DrillCoverage[] {
  const named = drill.runbooks?.length ? [runbooks(drill, runbookRuns)] : [];
  return [injection(drill), detection(drill), decision(drill), failover(drill, failoverRun), ...named, failback(drill, failbackRun)];
}

/** The drill's own wait for a controller that held, before it stood in (0 when it did not stand in): no measure of any decision. Pure. */
export function standInWaitMs(drill: DrillRecord): number {
  const m = drill.milestones;
  if (drill.trigger !== 'injected-outage' || drill.decision?.by !== 'drill' || m.detectedAt === undefined || m.failoverStartedAt === undefined) return 0;
  return Math.max(0, m.failoverStartedAt - m.detectedAt);
}

function injection(drill: DrillRecord): DrillCoverage {
  if (drill.trigger === 'manual-failover') {
    return { phase: 'injection', status: 'skipped', note: 'no fault can be injected here: the game day began with a manual failover' };
  }
  const route53 = drill.route53Outage ? `, with Route 53's control plane ${drill.route53Outage === 'hangs' ? 'hanging' : 'refusing calls'}` : '';
  return { phase: 'injection', status: 'exercised', by: 'drill', note: `an outage of ${drill.from} was injected into the simulated world${route53}` };
}

function detection(drill: DrillRecord): DrillCoverage {
  if (drill.trigger === 'manual-failover') return { phase: 'detection', status: 'skipped', note: 'not exercised: nothing was down, so nothing had to be detected' };
  if (drill.milestones.detectedAt !== undefined) {
    return { phase: 'detection', status: 'exercised', by: 'controller', note: drill.detection?.reason ?? `${drill.from} judged unhealthy (taken from the failover run's start: no recorded decision found)` };
  }
  return notReached(drill, 'detection', `waiting for the controller to judge ${drill.from} unhealthy`);
}

function decision(drill: DrillRecord): DrillCoverage {
  const made = drill.decision;
  if (drill.trigger === 'manual-failover') return { phase: 'decision', status: 'skipped', note: "not exercised: the game day's manual failover stood for it" };
  if (made?.by === 'controller') return { phase: 'decision', status: 'exercised', by: 'controller', note: `decided by the controller: ${made.reason}` };
  if (made?.by === 'operator') return { phase: 'decision', status: 'stood-in', by: 'operator', note: `an operator failed over by hand before the controller did: ${made.reason}` };
  if (made?.by === 'drill') {
    const wait = standInWaitMs(drill);
    const waited = wait > 0 ? `, after waiting ${seconds(wait)} for the controller (not counted as the decision, nor in the recovery time)` : '';
    return { phase: 'decision', status: 'stood-in', by: 'drill', note: `not the controller's decision (${made.reason}): the drill failed over by hand as the paged operator would${waited}` };
  }
  const waiting =
    drill.milestones.detectedAt === undefined
      ? 'waiting for the detection'
      : drill.decider === 'operator'
        ? 'the drill fails over by hand as the paged operator would'
        : "waiting for the controller's decision (the drill stands in if it holds)";
  return notReached(drill, 'decision', waiting);
}

function failover(drill: DrillRecord, run: RunRecord | undefined): DrillCoverage {
  if (run) return { phase: 'failover', status: 'exercised', by: 'controller', note: `failover run ${run.id} (${run.trigger}) ${run.status}` };
  if (drill.failoverRunId !== undefined) return { phase: 'failover', status: 'exercised', by: 'controller', note: `failover run ${drill.failoverRunId} (not in the store)` };
  return notReached(drill, 'failover', 'no failover run yet');
}

/** The drill's named runbooks: run by the drill, as the operator would once failed over. */
function runbooks(drill: DrillRecord, runs: RunRecord[]): DrillCoverage {
  const names = drill.runbooks ?? [];
  const started = drill.runbookRuns ?? [];
  if (started.length === 0) return notReached(drill, 'runbooks', `waiting for the failover to run ${names.join(', ')}`);
  const each = started.map((e) => `${e.name} (run ${e.runId} ${runs.find((r) => r.id === e.runId)?.status ?? 'not in the store'})`);
  const left = names.slice(started.length);
  const rest = left.length > 0 ? `; ${drill.status === 'running' ? 'still to run' : 'not run'}: ${left.join(', ')}` : '';
  const note = `run by hand after the failover, as an operator would: ${each.join(', ')}${rest}`;
  return { phase: 'runbooks', status: 'exercised', by: 'drill', note };
}

function failback(drill: DrillRecord, run: RunRecord | undefined): DrillCoverage {
  if (!drill.failback) return { phase: 'failback', status: 'skipped', note: `no failback asked for: the application stays in ${drill.to}` };
  if (run) {
    const how = run.trigger === 'automatic' ? "the controller's automatic failback" : 'started by the drill, without waiting for the policy’s failback hold-down';
    return { phase: 'failback', status: 'exercised', by: 'controller', note: `failback run ${run.id} (${how}) ${run.status}` };
  }
  if (drill.failbackRunId !== undefined) return { phase: 'failback', status: 'exercised', by: 'controller', note: `failback run ${drill.failbackRunId} (not in the store)` };
  return notReached(drill, 'failback', `waiting for ${drill.from} to be judged healthy again after the failover`);
}

/** A link the drill has not reached: pending while it runs, skipped once it has ended (and why). */
function notReached(drill: DrillRecord, phase: DrillCoverage['phase'], waiting: string): DrillCoverage {
  if (drill.status === 'running') return { phase, status: 'pending', note: waiting };
  const ended = drill.status === 'aborted' ? `was aborted${drill.abort ? ` by ${drill.abort.by}` : ''}` : drill.status;
  return { phase, status: 'skipped', note: `not reached: the drill ${ended} before it` };
}

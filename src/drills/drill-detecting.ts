import type { AppPolicy } from '../config/types.js';
import { RunInProgressError } from '../errors/errors.js';
import type { DrillRecord } from './drill.js';
import { type DrillBook, note } from './drill-book.js';
import { deciderOf } from './drill-decider.js';
import { drillFailoverRun, linkFailoverRun } from './drill-failover-link.js';
import { seconds } from './drill-report.js';

/**
 * Stage `detecting`: wait for the controller to judge the region down and
 * fail over; stand in for the paged operator if it holds, or at once when
 * the drill leaves the decision to the operator (see DrillDecider). True
 * when the drill changed.
 */
export async function detecting(book: DrillBook, drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
  const m = drill.milestones;
  let changed = await recordDetection(book, drill);
  const run = await drillFailoverRun(book, drill);
  if (run) {
    linkFailoverRun(drill, run);
    drill.stage = 'failing-over';
    await book.save(drill);
    return true;
  }
  // Saved before anything is tried on it: the detection is a milestone of the report and the start of the deadline
  // below, and a failover by hand that throws must not lose it (the decisions it was read from move on).
  if (changed) return book.keep(drill, changed);
  if (m.detectedAt !== undefined) {
    const graceMs = Math.max(30_000, 3 * policy.probeIntervalSeconds * 1000);
    // Checked before failing over by hand: a failover that is refused every tick must not keep the region down for good.
    const deadline = graceMs + detectionDeadlineMs(policy);
    if (now - m.detectedAt > deadline) {
      return book.endFailedOnceHealed(drill, `no failover run started within ${Math.round(deadline / 1000)} s of ${drill.from} being judged unhealthy (see the events and the controller's log)`, now);
    }
    // Nothing to wait for when the controller is not to decide: the operator's path is what is rehearsed (or all there is).
    const byHandNow = deciderOf(drill, policy) === 'operator' || !policy.automaticFailover;
    if ((byHandNow || now - m.detectedAt >= graceMs) && (await failOverByHand(book, drill, policy, now))) changed = true;
  } else if (now - m.startedAt > detectionDeadlineMs(policy)) {
    return book.endFailedOnceHealed(drill, `${drill.from} was not judged unhealthy within ${Math.round(detectionDeadlineMs(policy) / 1000)} s of the injected outage: do its probes reach the application?`, now);
  }
  return book.keep(drill, changed);
}

/**
 * When the controller first judged the drill's region unhealthy, from its
 * recorded decisions (with how many rounds and vantage points). True when
 * the drill learnt it now.
 */
export async function recordDetection(book: DrillBook, drill: DrillRecord): Promise<boolean> {
  const m = drill.milestones;
  if (m.detectedAt !== undefined) return false;
  const judged = (await book.deps.store.listDecisions({ app: drill.app, limit: 50 }))
    .filter((d) => d.at >= m.startedAt && d.inputs?.regions.some((r) => r.name === drill.from && r.state === 'unhealthy'))
    .sort((a, b) => a.at - b.at)[0];
  if (!judged) return false;
  const seen = judged.inputs!.regions.find((r) => r.name === drill.from)!;
  const votes = seen.votesDown !== undefined ? `, ${seen.votesDown} of ${seen.votesCounted ?? '?'} vantage points agreeing` : '';
  m.detectedAt = judged.at;
  drill.detection = { reason: `judged unhealthy by the controller (${drill.app}'s decision at ${new Date(judged.at).toISOString()}) after ${seen.consecutiveFailures} failed probe rounds in a row${votes}` };
  note(drill, judged.at, `${drill.from} judged unhealthy ${seconds(judged.at - m.startedAt)} after the injection, after ${seen.consecutiveFailures} failed rounds`);
  return true;
}

/**
 * The controller judged the region down but holds (automatic failover off,
 * cooldown, daily cap, no quorum), or the drill leaves the decision to the
 * operator: the drill does what a paged operator would, and the report says
 * the decision was not the controller's.
 */
async function failOverByHand(book: DrillBook, drill: DrillRecord, policy: AppPolicy, now: number): Promise<boolean> {
  const { store, controls } = book.deps;
  if (!controls.startsRunsInto(drill.to)) return false;
  const [latest] = await store.listDecisions({ app: drill.app, limit: 1 });
  const held = !policy.automaticFailover
    ? 'automatic failover is off'
    : deciderOf(drill, policy) === 'operator'
      ? 'the game day leaves the decision to the operator (decision: operator)'
      : (latest?.reason ?? 'the controller did not fail over');
  if (!(await book.unchanged(drill))) return false;
  try {
    const run = await controls.failover({
      app: drill.app,
      to: drill.to,
      reason: `game day ${drill.id}: ${drill.from} is down and the controller holds (${held}); failing over as the paged operator would`,
      by: drill.startedBy,
      drillId: drill.id,
    });
    drill.decision = { by: 'drill', reason: held };
    drill.failoverRunId = run.id;
    drill.milestones.failoverStartedAt = run.createdAt;
    drill.stage = 'failing-over';
    note(drill, now, `the controller held (${held}): the drill failed over by hand, run ${run.id}`);
    return true;
  } catch (err) {
    // A run got there first (the controller decided after all): the next tick finds it.
    if (err instanceof RunInProgressError) return false;
    throw err;
  }
}

/** If the region is not judged down by then, its probes do not see the outage: the whole RTO, and at least two fall windows. */
function detectionDeadlineMs(policy: AppPolicy): number {
  return Math.max(policy.rtoSeconds * 1000, 2 * (policy.fallThreshold + 1) * policy.probeIntervalSeconds * 1000);
}

import type { AvailabilityReport } from '../availability/types.js';
import type { AppPolicy } from '../config/types.js';
import type { RunRecord } from '../runbook/run.js';
import type { DrillRecord, DrillReport, DrillStatus } from './drill.js';
import type { DrillBook } from './drill-book.js';
import type { DrillConductorDeps } from './drill-deps.js';
import { type RunChanges, runChanges, stoppedHalfWay } from './drill-attention.js';
import { readLayout } from './drill-layout.js';
import { buildDrillReport } from './drill-report.js';
import { holdLeftBy } from './failover-hold.js';

/**
 * End a drill: freeze its report, save it, give up the application's drill claim.
 *
 * Two things are settled on the way, while the drill still says where it stood:
 * a drill that ends healed without a failover that moved traffic (while its
 * outage was being detected, or after its failover run failed or was
 * cancelled) leaves a failover hold (see failover-hold.ts), and a drill whose run stopped half way records the
 * layout it left (where DNS points, which database writes), for the operator who
 * must settle it. A run still in flight (an abort leaves it to finish) is
 * followed by the report until it ends (see drill-settle.ts).
 */
export async function endDrill(book: DrillBook, drill: DrillRecord, status: Exclude<DrillStatus, 'running'>, now: number): Promise<void> {
  const { deps } = book;
  const runs = await drillRuns(deps, drill);
  const hold = holdLeftBy(drill, runs.failoverRun);
  if (hold) drill.failoverHold = hold;
  drill.status = status;
  drill.stage = 'ended';
  drill.finishedAt = now;
  await recordEndLayout(deps, drill, runs);
  drill.report = await drillReport(deps, drill, runs);
  await book.save(drill);
  await book.claim.release(drill.app, drill.id);
  if (hold) deps.log.info({ drillId: drill.id, region: hold.region, healedAt: hold.healedAt }, 'no automatic failover on the failures of the drill’s healed outage');
  warnIfUnsettled(deps, drill);
  deps.log.info({ drillId: drill.id, status, verdict: drill.report.verdict }, 'game day ended');
}

/**
 * When a run of the drill stopped half way, read the layout it left (once,
 * into `drill.endLayout`): DNS and the databases, for the report's attention.
 */
export async function recordEndLayout(deps: DrillConductorDeps, drill: DrillRecord, runs: DrillRuns): Promise<void> {
  if (!runs.stopped || !deps.cloud || drill.endLayout) return;
  try {
    drill.endLayout = await readLayout(deps.controls.findApp(drill.app), deps.cloud, deps.clock.now(), deps.store);
  } catch (err) {
    // The application left the config: the report still says that an operator is needed, without the layout.
    deps.log.warn({ drillId: drill.id, err: String(err) }, 'could not read the layout the drill left');
  }
}

/** Log loudly when the drill's report asks for an operator. */
export function warnIfUnsettled(deps: DrillConductorDeps, drill: DrillRecord): void {
  const attention = drill.report?.attention;
  if (attention) deps.log.warn({ drillId: drill.id, runId: attention.run.id, layout: drill.endLayout }, `game day left ${drill.app} half way through a ${attention.run.kind}: an operator must settle its layout`);
}

/** The report of a drill as it stands: the runs read now, the policy's targets, the availability when measured. */
export async function drillReport(deps: DrillConductorDeps, drill: DrillRecord, runs?: DrillRuns): Promise<DrillReport> {
  const { clock, environment, controls } = deps;
  const [{ failoverRun, failbackRun, runbookRuns, changes }, availability] = await Promise.all([
    runs ?? drillRuns(deps, drill),
    availabilityOf(deps, drill.app),
  ]);
  let policy: Pick<AppPolicy, 'rtoSeconds' | 'rpoSeconds'>;
  try {
    policy = controls.findApp(drill.app).policy;
  } catch {
    policy = { rtoSeconds: 0, rpoSeconds: 0 };
  }
  return buildDrillReport({
    drill,
    ...(failoverRun ? { failoverRun } : {}),
    ...(failbackRun ? { failbackRun } : {}),
    ...(runbookRuns && runbookRuns.length > 0 ? { runbookRuns } : {}),
    ...(changes ? { stoppedRunChanges: changes } : {}),
    policy,
    environment,
    ...(availability ? { availability } : {}),
    now: clock.now(),
  });
}

/**
 * The application's availability, or undefined when it cannot be had. Never
 * throws, not even synchronously (an application that left the config makes
 * the lookup throw before any promise exists): it sits in a Promise.all next
 * to a read whose rejection would otherwise go unhandled.
 */
function availabilityOf(deps: DrillConductorDeps, app: string): Promise<AvailabilityReport | undefined> {
  return Promise.resolve()
    .then(() => deps.controls.availability(app))
    .catch(() => undefined);
}

/** The runs a drill started or followed, and what the one that stopped half way (if any) changed. */
export interface DrillRuns {
  failoverRun?: RunRecord | undefined;
  failbackRun?: RunRecord | undefined;
  /** The runs of the drill's named runbooks started so far (DrillRecord.runbookRuns), those still in the store. */
  runbookRuns?: RunRecord[] | undefined;
  /** The failover or failback run that ended failed or cancelled (a named runbook's moves no traffic: it has no layout to settle). */
  stopped?: RunRecord | undefined;
  /** What `stopped` changed and did not undo, from its journal; absent when it could not be read. */
  changes?: RunChanges | undefined;
}

/** Read the drill's runs, and the journal of one that stopped half way (only then: the journal is the larger read). */
export async function drillRuns(deps: DrillConductorDeps, drill: DrillRecord): Promise<DrillRuns> {
  const [failoverRun, failbackRun, named] = await Promise.all([
    drill.failoverRunId ? deps.store.getRun(drill.failoverRunId) : undefined,
    drill.failbackRunId ? deps.store.getRun(drill.failbackRunId) : undefined,
    Promise.all((drill.runbookRuns ?? []).map((r) => deps.store.getRun(r.runId))),
  ]);
  const runbookRuns = named.filter((r): r is RunRecord => r !== undefined);
  const stopped = stoppedHalfWay([failoverRun, failbackRun]);
  let changes: RunChanges | undefined;
  if (stopped) {
    try {
      changes = runChanges(await deps.store.readJournal(stopped.id));
    } catch (err) {
      // Unknown changes count as needing an operator (see needsOperator).
      deps.log.warn({ drillId: drill.id, runId: stopped.id, err: String(err) }, 'could not read the journal of the run that stopped');
    }
  }
  return { failoverRun, failbackRun, runbookRuns, stopped, changes };
}

import type { AvailabilityReport } from '../availability/types.js';
import type { AppPolicy } from '../config/types.js';
import type { RunRecord, StepProgress } from '../runbook/run.js';
import { dataLossFromSummary } from '../runbook/steps/rpo-guard.js';
import type { DrillPhase, DrillPhaseStatus, DrillRecord, DrillReport, DrillRpo, DrillRto, DrillRunRef } from './drill.js';
import { drillAttention, type RunChanges } from './drill-attention.js';
import { drillCoverage, standInWaitMs } from './drill-coverage.js';
import { RECOVERY_STEP, RPO_GUARD_STEP, STEP_PHASES } from './drill-phases.js';

/** Everything a report is computed from: plain data, no clock, no store. */
export interface DrillReportInputs {
  drill: DrillRecord;
  failoverRun?: RunRecord;
  failbackRun?: RunRecord;
  /** The runs of the drill's named runbooks (DrillRecord.runbookRuns), as read now. */
  runbookRuns?: RunRecord[];
  /** What the run that stopped half way (if any) changed and did not undo, from its journal; unknown: treated as needing an operator. */
  stoppedRunChanges?: RunChanges;
  policy: Pick<AppPolicy, 'rtoSeconds' | 'rpoSeconds'>;
  environment: 'sim' | 'aws';
  availability?: AvailabilityReport;
  /** When the report is made: running phases are timed up to here. */
  now: number;
}

/**
 * The report of a game day. Pure: the phases are read from the drill's
 * milestones (detection, decision, heal) and from the step timings of its
 * runs (promotion, scale-up, DNS, verification), each timed against the RTO.
 * It also says which links of the chain were exercised, stood in for or
 * skipped (drill-coverage.ts), and the RTO account says what it does not
 * measure: a decision the drill stood in for is timed as the drill's own
 * (no time), its wait for the controller is left out of the recovery time,
 * and the verdict says "met for … only".
 */
export function buildDrillReport(inputs: DrillReportInputs): DrillReport {
  const { drill, failoverRun, failbackRun, policy, now } = inputs;
  const rtoMs = policy.rtoSeconds * 1000;
  const m = drill.milestones;
  const injected = drill.trigger === 'injected-outage';
  const timer = new PhaseTimer(drill, rtoMs, now);

  const failover: DrillPhase[] = [];
  if (injected) {
    failover.push(timer.span('detection', 'failover', 'detection (outage → region judged unhealthy)', m.startedAt, m.detectedAt, m.startedAt, drill.detection?.reason));
    failover.push(decisionPhase(timer, drill));
  } else {
    const note = 'not exercised: the game day began with a manual failover (no fault can be injected here), so nothing had to be detected or decided';
    failover.push({ id: 'detection', part: 'failover', name: 'detection', status: 'not-exercised', note });
    failover.push({ id: 'decision', part: 'failover', name: 'decision', status: 'not-exercised', note });
  }
  failover.push(...timer.runPhases(failoverRun, 'failover', m.startedAt));
  // After the failover, on the same time axis: the named runbooks the operator would run once failed over.
  failover.push(...timer.runbookPhases(inputs.runbookRuns ?? [], m.startedAt));

  const failback: DrillPhase[] = [];
  const failbackStart = m.healedAt ?? m.failoverEndedAt;
  if (drill.failback) {
    if (injected) {
      failback.push(timer.span('primary-recovery', 'failback', 'primary judged healthy again after the heal', m.healedAt, m.primaryHealthyAt, failbackStart, 'the policy’s failback hold-down is not waited for in a drill: the drill healed the region itself'));
    } else {
      failback.push({ id: 'primary-recovery', part: 'failback', name: 'primary recovery', status: 'not-exercised', note: 'not exercised: the primary was never taken down' });
    }
    failback.push(...timer.runPhases(failbackRun, 'failback', failbackStart));
  }

  const rto = rtoAccount(drill, failoverRun, policy.rtoSeconds, now);
  const rpo = rpoEstimate(failoverRun, policy.rpoSeconds);
  const runs: DrillRunRef[] = [failoverRun, ...(inputs.runbookRuns ?? []), failbackRun]
    .filter((r): r is RunRecord => r !== undefined)
    .map((r) => ({ id: r.id, kind: r.kind, status: r.status, trigger: r.trigger }));
  const failbackTotal = recoveredAt(failbackRun);
  const report: DrillReport = {
    drillId: drill.id,
    app: drill.app,
    environment: inputs.environment,
    from: drill.from,
    to: drill.to,
    trigger: drill.trigger,
    status: drill.status,
    startedBy: drill.startedBy,
    startedAt: m.startedAt,
    ...(drill.finishedAt !== undefined ? { finishedAt: drill.finishedAt } : {}),
    generatedAt: now,
    verdict: '',
    rtoSeconds: policy.rtoSeconds,
    ...(rto.totalMs !== undefined ? { totalMs: rto.totalMs } : {}),
    ...(rto.met !== undefined ? { rtoMet: rto.met } : {}),
    rto,
    ...(rpo ? { rpoEstimate: rpo } : {}),
    coverage: drillCoverage(drill, failoverRun, failbackRun, inputs.runbookRuns),
    phases: [...failover, ...failback],
    ...(drill.failback
      ? {
          failback: {
            ...(failbackRun ? { runId: failbackRun.id } : {}),
            ...(failbackRun && failbackTotal !== undefined ? { totalMs: failbackTotal - failbackRun.createdAt } : {}),
            note: 'a planned move with both regions up: timed from its run’s start to the application answering in the primary; the RTO does not apply, the bars show it for scale',
          },
        }
      : {}),
    runs,
    events: drill.events,
    ...(inputs.availability ? { availability: inputs.availability } : {}),
    ...(drill.error ? { error: drill.error } : {}),
  };
  const attention = drillAttention(drill, [failoverRun, failbackRun], inputs.stoppedRunChanges);
  if (attention) report.attention = attention;
  report.verdict = verdict(report, drill);
  return report;
}

/**
 * The decision phase. The controller's, or an operator's of their own
 * accord: from the detection to the failover run's start. The drill's
 * stand-in: its own act, at the run's start, taking no time; the wait for a
 * controller that held comes before it, outside any phase, and is said in
 * the note (it measures no decision).
 */
function decisionPhase(timer: PhaseTimer, drill: DrillRecord): DrillPhase {
  const m = drill.milestones;
  const name = 'decision (judged unhealthy → failover run started)';
  const made = drill.decision;
  if (made?.by !== 'drill') return timer.span('decision', 'failover', name, m.detectedAt, m.failoverStartedAt, m.startedAt, made ? `${DECIDERS[made.by]}: ${made.reason}` : undefined);
  const wait = standInWaitMs(drill);
  const waited = wait > 0 ? `; the drill waited ${seconds(wait)} for the controller first: not counted as the decision, nor in the recovery time` : '';
  return timer.span('decision', 'failover', name, m.failoverStartedAt, m.failoverStartedAt, m.startedAt, `${DECIDERS.drill}: ${made.reason}${waited}`);
}

/** Who made the failover decision, as the report says it. */
const DECIDERS: Record<NonNullable<DrillRecord['decision']>['by'], string> = {
  controller: 'decided by the controller',
  drill: 'the controller held; the drill failed over as a paged operator would',
  operator: 'an operator failed over by hand',
};

/** Times phases of one drill: durations, offsets and shares of the RTO, with the status an unfinished phase has. */
class PhaseTimer {
  constructor(
    private readonly drill: DrillRecord,
    private readonly rtoMs: number,
    private readonly now: number,
  ) {}

  /** A phase between two milestones. */
  span(id: DrillPhase['id'], part: DrillPhase['part'], name: string, start: number | undefined, end: number | undefined, origin: number | undefined, note?: string): DrillPhase {
    const phase: DrillPhase = { id, part, name, status: 'pending', ...(note ? { note } : {}) };
    if (start === undefined) {
      if (this.drill.status !== 'running') phase.status = this.unfinished();
      return phase;
    }
    phase.startedAt = start;
    if (end !== undefined) {
      phase.finishedAt = end;
      phase.status = 'done';
    } else {
      phase.status = this.drill.status === 'running' ? 'running' : this.unfinished();
    }
    return this.timed(phase, (end ?? (this.drill.status === 'running' ? this.now : (this.drill.finishedAt ?? this.now))) - start, origin);
  }

  /** The phases a run's steps make up (unmapped steps each as a phase of their own). */
  runPhases(run: RunRecord | undefined, part: DrillPhase['part'], origin: number | undefined): DrillPhase[] {
    const kind = part === 'failover' ? 'failover' : 'failback';
    const table = STEP_PHASES[kind];
    const known = new Set(table.flatMap((p) => p.steps));
    const phases = table.map((p) => this.stepPhase(p.id, part, p.name, run?.steps.filter((s) => p.steps.includes(s.id)) ?? [], run, origin));
    for (const step of run?.steps ?? []) {
      if (!known.has(step.id)) phases.push(this.stepPhase('other', part, step.title, [step], run, origin));
    }
    return phases;
  }

  /**
   * One phase per named runbook the drill asked for, in order: from its
   * run's start to its end (as the drill saw it, else the run's), with the
   * run's steps. Not part of the recovery time: run by hand once failed over.
   */
  runbookPhases(runs: RunRecord[], origin: number): DrillPhase[] {
    const started = this.drill.runbookRuns ?? [];
    return (this.drill.runbooks ?? []).map((name, i) => {
      const entry = started[i];
      const run = entry ? runs.find((r) => r.id === entry.runId) : undefined;
      const steps = run ? { steps: run.steps.map((s) => s.id) } : {};
      const phase: DrillPhase = { id: 'runbook', part: 'failover', name: `runbook ${name}`, status: 'pending', ...steps };
      if (!entry) {
        if (this.drill.status === 'running') return phase;
        return { ...phase, status: 'skipped', note: `not started: the drill ${this.drill.status} before it` };
      }
      phase.startedAt = entry.startedAt;
      const end = entry.endedAt ?? (run && run.status !== 'running' ? (run.finishedAt ?? this.now) : undefined);
      if (end !== undefined) phase.finishedAt = end;
      phase.status = !run ? 'failed' : run.status === 'running' ? 'running' : run.status === 'succeeded' ? 'done' : 'failed';
      const failed = run?.steps.find((st) => st.status === 'failed' || st.status === 'stopped');
      const ok = run?.status === 'succeeded' || run?.status === 'running';
      const why = !run ? `run ${entry.runId} is not in the store` : ok ? undefined : (failed?.message ?? run.error ?? `run ${run.status}`);
      phase.note = `run ${entry.runId} by hand after the failover (not part of the recovery time)${why ? `: ${why}` : ''}`;
      return this.timed(phase, (end ?? this.now) - entry.startedAt, origin);
    });
  }

  private stepPhase(id: DrillPhase['id'], part: DrillPhase['part'], name: string, steps: StepProgress[], run: RunRecord | undefined, origin: number | undefined): DrillPhase {
    const phase: DrillPhase = { id, part, name, status: 'pending', steps: steps.map((s) => s.id) };
    if (!run || steps.length === 0) {
      if (this.drill.status !== 'running' && (!run || run.status !== 'running')) phase.status = this.unfinished();
      return phase;
    }
    const starts = steps.map((s) => s.startedAt).filter((t): t is number => t !== undefined);
    const ended = steps.every((s) => s.finishedAt !== undefined);
    phase.status = stepsStatus(steps, run);
    if (starts.length === 0) return phase;
    const start = Math.min(...starts);
    phase.startedAt = start;
    const end = ended ? Math.max(...steps.map((s) => s.finishedAt!)) : undefined;
    if (end !== undefined) phase.finishedAt = end;
    const failed = steps.find((s) => s.status === 'failed' || s.status === 'stopped');
    const skipped = steps.filter((s) => s.status === 'skipped');
    if (failed?.message) phase.note = failed.message;
    else if (skipped.length === steps.length && skipped[0]?.message) phase.note = skipped[0].message;
    return this.timed(phase, (end ?? (run.status === 'running' ? this.now : (run.finishedAt ?? this.now))) - start, origin);
  }

  private timed(phase: DrillPhase, durationMs: number, origin: number | undefined): DrillPhase {
    phase.durationMs = Math.max(0, durationMs);
    phase.percentOfRto = percent(phase.durationMs, this.rtoMs);
    if (origin !== undefined && phase.startedAt !== undefined) phase.offsetMs = phase.startedAt - origin;
    return phase;
  }

  /** A phase that never finished because the drill ended: a failure, or skipped by an abort. */
  private unfinished(): DrillPhaseStatus {
    return this.drill.status === 'failed' ? 'failed' : 'skipped';
  }
}

/**
 * The status of a phase from its steps: failed wins, then running, then
 * pending. A step the engine skipped found its goal already holding (the
 * lag within the RPO, the application already answering): for the drill
 * that phase is done, in no time beyond the check.
 */
function stepsStatus(steps: StepProgress[], run: RunRecord): DrillPhaseStatus {
  if (steps.some((s) => s.status === 'failed' || s.status === 'stopped')) return 'failed';
  if (steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')) return 'done';
  if (steps.some((s) => s.status === 'running' || s.startedAt !== undefined)) return run.status === 'running' ? 'running' : 'failed';
  return run.status === 'running' ? 'pending' : 'skipped';
}

/** When the application answered in the run's target region (its verification step ended well). */
function recoveredAt(run: RunRecord | undefined): number | undefined {
  const kind = run?.kind;
  if (!run || kind === undefined || kind === 'runbook') return undefined;
  const step = run.steps.find((s) => s.id === RECOVERY_STEP[kind]);
  return step && (step.status === 'succeeded' || step.status === 'skipped') ? step.finishedAt : undefined;
}

/**
 * The recovery time against the RTO, and what it does not measure. A game
 * day begun by a manual failover measures the failover run only; one whose
 * decision the drill stood in for measures detection and the failover run,
 * without the drill's wait for the controller (an arbitrary grace, no one's
 * decision time). An operator's own decision is a real one: it is counted.
 */
function rtoAccount(drill: DrillRecord, run: RunRecord | undefined, rtoSeconds: number, now: number): DrillRto {
  const excluded = standInWaitMs(drill);
  const start = drill.milestones.startedAt + excluded;
  const rto: DrillRto = { rtoSeconds, from: drill.trigger === 'injected-outage' ? 'injection' : 'manual-trigger' };
  const notMeasured = unmeasured(drill);
  if (notMeasured) rto.notMeasured = notMeasured;
  if (excluded > 0) rto.excludedMs = excluded;
  const end = recoveredAt(run);
  if (end !== undefined) {
    rto.totalMs = end - start;
    rto.percentOfRto = percent(rto.totalMs, rtoSeconds * 1000);
    rto.met = rto.totalMs <= rtoSeconds * 1000;
  } else {
    rto.elapsedMs = (drill.status === 'running' ? now : (drill.finishedAt ?? now)) - start;
    rto.percentOfRto = percent(rto.elapsedMs, rtoSeconds * 1000);
    // Not recovered and over: an RTO that ran out is missed whatever else happened.
    if (rto.elapsedMs > rtoSeconds * 1000) rto.met = false;
  }
  return rto;
}

/** The RPO guard's estimate, as its step recorded it (skipped: within the RPO; succeeded: approved). */
function rpoEstimate(run: RunRecord | undefined, rpoSeconds: number): DrillRpo | undefined {
  const step = run?.steps.find((s) => s.id === RPO_GUARD_STEP);
  if (!step?.message || (step.status !== 'skipped' && step.status !== 'succeeded')) return undefined;
  const summary = step.message.replace(/^no approval needed: /, '');
  const parsed = dataLossFromSummary(summary);
  return { rpoSeconds, ...(parsed.seconds !== undefined ? { seconds: parsed.seconds, withinRpo: parsed.withinRpo } : {}), summary };
}

function verdict(report: DrillReport, drill: DrillRecord): string {
  // An abort leaves a run in flight to finish: the report follows it until it ends (see drill-settle.ts).
  const inFlight = drill.status !== 'running' ? report.runs.find((r) => r.status === 'running') : undefined;
  const still = inFlight ? `; its ${inFlight.kind} run ${inFlight.id} is still running (this report follows it until it ends)` : '';
  return `${outcome(report, drill)}${still}${report.attention ? '; the application needs an operator (see attention)' : ''}`;
}

function outcome(report: DrillReport, drill: DrillRecord): string {
  const rto = report.rto;
  const scope = rtoScope(rto);
  // An operator's own decision is measured (it is a real one), but it is not the controller's: said, so "met" is not read as the policy's.
  const operator = drill.decision?.by === 'operator' && drill.trigger === 'injected-outage' ? "; the decision was an operator's, not the controller's (counted)" : '';
  const recovery =
    (rto.totalMs !== undefined
      ? `recovered in ${seconds(rto.totalMs)} against an RTO of ${report.rtoSeconds} s (${rto.percentOfRto} %): ${rto.met ? 'met' : 'MISSED'}${scope ? ` ${scope}` : ''}`
      : `not recovered after ${seconds(rto.elapsedMs ?? 0)} (RTO ${report.rtoSeconds} s${rto.met === false ? ': MISSED' : ''})${scope ? `; measured ${scope}` : ''}`) + operator;
  const rpo = report.rpoEstimate ? `; data loss estimate ${report.rpoEstimate.seconds !== undefined ? `${report.rpoEstimate.seconds} s` : 'unknown'} (RPO ${report.rpoEstimate.rpoSeconds} s)` : '';
  // The named runbooks a game day ran once failed over (see drill-runbooks.ts): said before the failback, when they ran.
  const named = report.phases
    .filter((p) => p.id === 'runbook')
    .map((p) => `; ${p.name} ${p.status}${p.status === 'done' && p.durationMs !== undefined ? ` in ${seconds(p.durationMs)}` : ''}`)
    .join('');
  const back = `${named}${report.failback?.totalMs !== undefined ? `; failed back in ${seconds(report.failback.totalMs)}` : ''}`;
  switch (drill.status) {
    case 'running':
      return `in progress (${drill.stage}): ${recovery}${rpo}`;
    case 'succeeded':
      return `${recovery}${rpo}${back}`;
    case 'failed':
      return `failed: ${drill.error ?? 'see the events'}; ${recovery}${rpo}${back}`;
    case 'aborted':
      return `aborted by ${drill.abort?.by ?? 'an operator'}${drill.abort?.reason ? ` (${drill.abort.reason})` : ''}; ${recovery}${rpo}${back}`;
  }
}

/** The phases a recovery time leaves out because the controller did not do them; undefined when it measures the whole chain. */
function unmeasured(drill: DrillRecord): DrillRto['notMeasured'] {
  if (drill.trigger === 'manual-failover') return ['detection', 'decision'];
  return drill.decision?.by === 'drill' ? ['decision'] : undefined;
}

/**
 * What an RTO verdict covers when it is not the whole chain, to follow
 * "met" or "MISSED": "for the failover run only; detection and decision not
 * exercised", or "for detection and the failover run only; decision not
 * exercised (the drill's 30.0 s wait for the controller left out)".
 * Undefined for a recovery time that measures the controller end to end.
 */
export function rtoScope(rto: Pick<DrillRto, 'notMeasured' | 'excludedMs'>): string | undefined {
  const missing = rto.notMeasured ?? [];
  if (missing.length === 0) return undefined;
  const measured = missing.includes('detection') ? 'the failover run' : 'detection and the failover run';
  const left = rto.excludedMs !== undefined && rto.excludedMs > 0 ? ` (the drill's ${seconds(rto.excludedMs)} wait for the controller left out)` : '';
  return `for ${measured} only; ${missing.join(' and ')} not exercised${left}`;
}

/** Share of the RTO in percent, one decimal. */
function percent(ms: number, rtoMs: number): number {
  return rtoMs > 0 ? Math.round((ms / rtoMs) * 1000) / 10 : 0;
}

/** "17.3 s" */
export function seconds(ms: number): string {
  return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
}

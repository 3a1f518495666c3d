import { formatAttention } from './format-readiness.js';
import type { AppStatusView, DrillPhase, DrillReport, DrillView, JournalEntry, RunPlan, RunRecord, StatusView, StepProgress } from './api-types.js';
import { formatObservation, formatRollback, rollbackIncomplete, stepLabel, stepText } from './format-run.js';

/**
 * Human output of the CLI: plain text, one fact per line, times in UTC like
 * the controller's own sentences. Pure functions of the API's answers (and
 * `now` where a duration is still running), so they are unit tested.
 */

/** "0.4 s", "7.2 s", "3 min 05 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(safe / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "2026-11-24 12:00:30Z". */
export function formatTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Pad every column but the last to its widest cell. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** `failover of shop us-east-1 -> eu-west-1`. */
export function describeRun(run: Pick<RunRecord, 'kind' | 'app' | 'from' | 'to' | 'runbook'>): string {
  if (run.kind === 'runbook') return `runbook ${run.runbook} of ${run.app} (${run.from} -> ${run.to})`;
  return `${run.kind} of ${run.app} ${run.from} -> ${run.to}`;
}

/** How many steps are over (succeeded, skipped, failed or stopped) out of all. */
export function stepCounts(run: Pick<RunRecord, 'steps'>): { done: number; total: number } {
  return { done: run.steps.filter((s) => s.status !== 'pending' && s.status !== 'running').length, total: run.steps.length };
}

/** The step that is running now (the first, when parallel steps run), if any. */
export function currentStep(run: Pick<RunRecord, 'steps'>): StepProgress | undefined {
  return run.steps.find((s) => s.status === 'running');
}

/** `GET /status` for people: per application, one line per region, the policy's reason, the run. */
export function formatStatus(status: StatusView, now: number): string {
  const lines: string[] = [];
  for (const app of status.applications) {
    if (lines.length > 0) lines.push('');
    lines.push(...formatAppStatus(app, now));
  }
  if (status.applications.length === 0) lines.push('no applications');
  return lines.join('\n');
}

function formatAppStatus(app: AppStatusView, now: number): string[] {
  const lines = [`${app.name}: active region ${app.activeRegion}${app.activeRegion === app.primaryRegion ? ' (primary)' : ` (primary is ${app.primaryRegion})`}`];
  lines.push(...table(app.regions.map((r) => ['', r.name, r.role, r.state, r.sentence])));
  if (app.decision) lines.push(`  policy: ${app.decision.action}: ${app.decision.reason}${app.decision.attention ? ' (needs a person)' : ''}`);
  if (app.attention?.length) lines.push('  attention:', ...formatAttention(app.attention));
  for (const w of app.availability?.windows ?? []) {
    const measured = w.availabilityPercent === null ? 'not measured yet' : `${w.availabilityPercent}%`;
    const budget = w.budgetLeftMs >= 0 ? `error budget left ${formatDuration(w.budgetLeftMs)} (${w.budgetLeftPercent.toFixed(0)}%)` : `error budget overspent by ${formatDuration(-w.budgetLeftMs)}`;
    lines.push(`  availability ${w.window}: ${measured} (target ${w.targetPercent}%, ${w.met ? 'met' : 'missed'}: ${budget})`);
  }
  const run = app.currentRun;
  if (run) {
    const { done, total } = stepCounts(run);
    const step = currentStep(run);
    lines.push(`  run ${run.id}: ${describeRun(run)}, ${run.status}, ${done}/${total} steps${step ? `, at ${step.id}` : ''}, for ${formatDuration(now - run.createdAt)}`);
  } else {
    lines.push(`  run: none in progress${app.lastRun ? `; last ${app.lastRun.id} (${app.lastRun.kind}, ${app.lastRun.status}${app.lastRun.finishedAt ? ` at ${formatTime(app.lastRun.finishedAt)}` : ''})` : ''}`);
  }
  return lines;
}

/** A dry run: each step with its resource, what it is and what it would become. */
export function formatPlan(plan: RunPlan): string {
  const lines = [`plan: ${describeRun(plan)}${plan.kind === 'runbook' ? '' : ` (runbook ${plan.runbook})`}; nothing was changed`];
  if (plan.refusal) lines.push(`REFUSED: this run would not start: ${plan.refusal}`);
  lines.push(plan.expectedMs !== undefined ? `expected duration ${formatDuration(plan.expectedMs)}, from ${plan.basedOnRuns} past run(s)` : 'expected duration unknown: no past run of this runbook');
  plan.steps.forEach((step, i) => {
    const expected = step.expectedMs !== undefined ? `, about ${formatDuration(step.expectedMs)}` : '';
    lines.push(`${i + 1}. ${step.id} [${step.action === 'act' ? 'would act' : step.action === 'none' ? 'already done' : 'unknown'}${expected}]`);
    lines.push(`   ${step.resource}`);
    lines.push(`   now:    ${step.current}`);
    lines.push(`   wanted: ${step.desired}`);
  });
  for (const f of plan.staticStability ?? []) lines.push(`static stability: ${f.call}: ${f.why}; fix: ${f.fix}`);
  for (const c of plan.readiness ?? []) if (c.status !== 'ok') lines.push(`readiness: ${c.status} ${c.region} ${c.id}: ${c.sentence}${c.fix ? `; fix: ${c.fix}` : ''}`);
  if (plan.gate?.length) lines.push(`GATE: an operator's ${plan.kind} would be refused without --force: ${plan.gate.join('; ')}`);
  if (plan.note) lines.push(plan.note);
  return lines.join('\n');
}

/** GET /runs, newest first, one line per run. */
export function formatRunList(runs: RunRecord[]): string {
  if (runs.length === 0) return 'no runs';
  return table([
    ['RUN', 'KIND', 'FROM -> TO', 'TRIGGER', 'STATUS', 'STARTED', 'TOOK'],
    ...runs.map((r) => [r.id, r.kind, `${r.from} -> ${r.to}`, r.trigger, r.rollback && r.rollback.outcome !== 'complete' ? `${r.status}, rollback ${r.rollback.outcome}` : r.status, formatTime(r.createdAt), r.finishedAt !== undefined ? formatDuration(r.finishedAt - r.createdAt) : '-']),
  ]).join('\n');
}

/** One run: what, why, its outcome, and each step with its duration. */
export function formatRunDetail(run: RunRecord, now: number): string {
  const lines = [`run ${run.id}: ${describeRun(run)}, ${run.trigger}${run.startedBy !== undefined ? ` by ${run.startedBy}` : ''}: ${run.reason}`];
  lines.push(`${run.status}; started ${formatTime(run.createdAt)}${run.finishedAt !== undefined ? `, took ${formatDuration(run.finishedAt - run.createdAt)}` : `, running for ${formatDuration(now - run.createdAt)}`}`);
  lines.push(
    ...table(
      run.steps.map((s) => ['', stepLabel(s.status), s.id, s.startedAt !== undefined ? formatDuration((s.finishedAt ?? now) - s.startedAt) : '-', s.status === 'running' && s.lastObservation ? formatObservation(s.lastObservation) : stepText(s)]),
    ),
  );
  for (const a of run.approvals ?? []) lines.push(`  ${a.stepId}: ${a.decision} by ${a.by}${stated(a)} at ${formatTime(a.at)}${a.comment ? `: ${a.comment}` : ''}`);
  if (run.cancelRequested) lines.push(`  cancel requested by ${run.cancelRequested.by}${stated(run.cancelRequested)} at ${formatTime(run.cancelRequested.at)}${run.cancelRequested.rollback ? ', with rollback' : ''}${run.cancelRequested.comment ? `: ${run.cancelRequested.comment}` : ''}`);
  if (run.status === 'cancelled') lines.push(...formatRollback(run));
  if (run.error) lines.push(`error: ${run.error}`);
  if (run.attention) lines.push(`ATTENTION: ${run.attention}`);
  return lines.join('\n');
}

/** The name a request stated besides the authenticated caller, marked as such: it is not who acted. */
function stated(answer: { statedBy?: string }): string {
  return answer.statedBy !== undefined ? ` (stated: ${answer.statedBy})` : '';
}

/** One line for a step that changed status while a run is followed. */
export function formatStepTransition(step: StepProgress): string {
  // A step already done took no time worth saying.
  const took = step.status !== 'skipped' && step.startedAt !== undefined && step.finishedAt !== undefined ? ` in ${formatDuration(step.finishedAt - step.startedAt)}` : '';
  const message = step.status !== 'running' ? stepText(step) : '';
  return `  ${step.id}: ${stepLabel(step.status)}${took}${message ? `: ${message}` : ''}`;
}

/** The end of a followed run, in one sentence. */
export function formatRunOutcome(run: RunRecord): string {
  const took = run.finishedAt !== undefined ? ` after ${formatDuration(run.finishedAt - run.createdAt)}` : '';
  switch (run.status) {
    case 'succeeded':
      // A named runbook need not move the application (the status says where it runs).
      if (run.kind === 'runbook') return `run ${run.id} succeeded${took}: runbook ${run.runbook} of ${run.app} done`;
      return `run ${run.id} succeeded${took}: ${run.app} now runs in ${run.to}`;
    case 'failed':
      return `run ${run.id} failed${took}: ${run.error ?? 'no reason recorded'}`;
    case 'cancelled': {
      const c = run.cancelRequested;
      // "rolled back" only when everything was: a rollback that left acts standing says so, and which.
      const rolled = c?.rollback ? (rollbackIncomplete(run) ? `, but its rollback is ${run.rollback ? (run.rollback.outcome === 'partial' ? 'incomplete' : 'a failure') : 'not known'}` : ', and rolled back') : '';
      const line = `run ${run.id} was cancelled${took}${c ? ` by ${c.by}${rolled}${c.comment ? `: ${c.comment}` : ''}` : ''}${run.error ? `; ${run.error}` : ''}`;
      return rollbackIncomplete(run) ? [line, ...formatRollback(run)].join('\n') : line;
    }
    case 'running':
      return `run ${run.id} is still running`;
  }
}

/** An approval gate a run is waiting at, if any: the last request not yet answered, on a step still running. */
export function pendingApproval(run: RunRecord, journal: JournalEntry[]): { stepId: string; reason: string; timeoutMs?: number; requestedAt: number } | undefined {
  if (run.status !== 'running') return undefined;
  for (let i = journal.length - 1; i >= 0; i--) {
    const entry = journal[i]!;
    if (!entry.stepId) continue;
    if (entry.type === 'approved' || entry.type === 'rejected') return undefined;
    if (entry.type === 'approval-requested') {
      if (run.steps.find((s) => s.id === entry.stepId)?.status !== 'running') return undefined;
      const reason = typeof entry.detail?.['reason'] === 'string' ? entry.detail['reason'] : 'an operator must approve';
      const timeoutMs = typeof entry.detail?.['timeoutMs'] === 'number' ? entry.detail['timeoutMs'] : undefined;
      return { stepId: entry.stepId, reason, requestedAt: entry.at, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    }
  }
  return undefined;
}

/** What to tell the operator when a run waits for approval: why, until when, and the commands that answer. */
export function formatApprovalWait(run: RunRecord, gate: { stepId: string; reason: string; timeoutMs?: number; requestedAt: number }): string {
  const deadline = gate.timeoutMs !== undefined ? ` (until ${formatTime(gate.requestedAt + gate.timeoutMs)})` : '';
  return [
    `run ${run.id} is waiting for approval at ${gate.stepId}${deadline}: ${gate.reason}`,
    `  to approve: failover approve ${run.id} --comment "why"`,
    `  to reject:  failover approve ${run.id} --reject`,
  ].join('\n');
}

/** A game-day drill while it goes: where it stands. */
export function formatDrillStart(drill: DrillView): string {
  const how = drill.trigger === 'injected-outage' ? `an outage injected into ${drill.from}` : `a manual failover from ${drill.from}`;
  return `drill ${drill.id} started: game day of ${drill.app}, ${how}, to ${drill.to}${drill.failback ? ', then back' : ''}`;
}

/** One thing a drill did or saw. */
export function formatDrillEvent(event: { at: number; text: string }): string {
  return `  ${formatTime(event.at).slice(11)} ${event.text}`;
}

/** A game-day drill: its outcome and, with its report, each phase timed against the RTO, the RPO estimate and the verdict. */
export function formatDrill(drill: DrillView, report: DrillReport | undefined = drill.report): string {
  const lines = [`drill ${drill.id} of ${drill.app}: ${drill.status}${drill.status === 'running' ? ` (${drill.stage})` : ''}; ${drill.from} -> ${drill.to}${drill.failback ? ' and back' : ''}`];
  if (report) {
    if (report.verdict) lines.push(report.verdict);
    // First and loud: a run stopped half way and the layout needs a person before anything else.
    if (report.attention) lines.push(`ATTENTION: ${report.attention.summary}`, ...report.attention.actions.map((a, i) => `  ${i + 1}. ${a}`));
    // Which links the game day really tested: an "RTO met" with the decision stood in for is not the controller's.
    if (report.coverage) lines.push(`exercised: ${report.coverage.map((c) => `${c.phase} ${c.status}`).join(', ')}`);
    lines.push(...formatPhases(report.phases));
    const rto = report.rto;
    const scope = rto.notMeasured && rto.notMeasured.length > 0 ? ` (${rto.notMeasured.join(' and ')} not exercised)` : '';
    if (rto.totalMs !== undefined) lines.push(`recovery took ${formatDuration(rto.totalMs)} against an RTO of ${formatDuration(rto.rtoSeconds * 1000)}: ${rto.met ? 'met' : 'MISSED'}${scope}`);
    else lines.push(`no recovery${rto.elapsedMs !== undefined ? ` after ${formatDuration(rto.elapsedMs)}` : ''}; RTO ${formatDuration(rto.rtoSeconds * 1000)}`);
    if (report.rpoEstimate) lines.push(`data loss: ${report.rpoEstimate.summary}`);
    if (report.failback?.totalMs !== undefined) lines.push(`failback took ${formatDuration(report.failback.totalMs)}`);
    if (report.runs.length > 0) lines.push(`runs: ${report.runs.map((r) => `${r.id} (${r.kind}, ${r.status})`).join(', ')}`);
  }
  if (drill.error) lines.push(`error: ${drill.error}`);
  lines.push(`report: GET /drills/${drill.id}/report (?format=html for the page)`);
  return lines.join('\n');
}

function formatPhases(phases: DrillPhase[]): string[] {
  if (phases.length === 0) return [];
  return [
    'phases:',
    ...table(
      phases.map((p) => [
        '',
        p.part,
        p.name,
        p.durationMs !== undefined ? formatDuration(p.durationMs) : '-',
        p.percentOfRto !== undefined && p.part === 'failover' ? `${p.percentOfRto.toFixed(1)}% of RTO` : '',
        `${p.status}${p.note && p.status !== 'done' ? `: ${p.note}` : ''}`,
      ]),
    ),
  ];
}

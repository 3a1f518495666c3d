import type { AvailabilityReport, AvailabilityWindow } from '../../availability/types.js';
import type { AppStatus, ControllerStatus, RegionStatus } from '../../controller/status-view.js';
import type { PendingApproval } from '../../controller/pending-approvals.js';
import type { AppHistory, HistoryBucket, HistoryReport } from '../../controller/region-history.js';
import type { Decision } from '../../policy/decision.js';
import type { RollbackOutcome, RunRecord, StepProgress, StepStatus } from '../../runbook/run.js';
import { html, type SafeHtml } from '../html/html.js';
import { htmlDocument } from './layout.js';
import { attentionBlock, readinessPanel } from './attention-blocks.js';
import { clockTime, dateTime, duration, percent } from './page-format.js';

/** Everything the status page shows, gathered by status-page-data.ts. */
export interface StatusPageModel {
  status: ControllerStatus;
  history: HistoryReport;
  approvals: PendingApproval[];
  /** Recent decisions per application, newest first. */
  decisions: Record<string, Decision[]>;
  /** Who is looking (shown with the sign-out button when signed in by cookie). */
  caller?: { name: string; via: 'bearer' | 'cookie' | 'iam' };
  /** The API's own URL, for the commands shown with a pending approval. */
  apiUrl: string;
}

/**
 * The status page at `/`: per application the active region, the latest
 * decision, pending approvals, each region's health and its last hour, the
 * current (or last) run with its steps, availability and recent decisions.
 * The `data-*` attributes are what assets/status-js.ts updates in place.
 */
export function renderStatusPage(model: StatusPageModel): string {
  const { status } = model;
  const body = html`<header class="top">
<h1>failover-controller</h1>
<p class="meta">provider <b>${status.provider}</b> · vantage <b>${status.vantage}</b> · <span data-field="updated">as of ${clockTime(status.now)}</span> <span class="connection" data-field="connection" role="status"></span></p>
${model.caller?.via === 'cookie' ? html`<form class="signout" method="post" action="/logout"><span class="muted">signed in as ${model.caller.name}</span> <button type="submit">Sign out</button></form>` : ''}
</header>
<main data-api-url="${model.apiUrl}">
${status.applications.length === 0 ? html`<p>No applications are configured.</p>` : status.applications.map((app) => appSection(app, model))}
</main>
<footer class="muted">Updates every second. JSON: <a href="/status">/status</a>, <a href="/status/history">/status/history</a>, <a href="/status/approvals">/status/approvals</a>, <a href="/decisions">/decisions</a>, <a href="/runs">/runs</a>.</footer>`;
  return htmlDocument({ title: `failover-controller: ${status.applications.map((a) => `${a.name} in ${a.activeRegion}`).join(', ') || 'status'}`, body, bodyClass: 'status-page', script: true });
}

function appSection(app: AppStatus, model: StatusPageModel): SafeHtml {
  const history = model.history.applications.find((h) => h.app === app.name);
  const approvals = model.approvals.filter((a) => a.app === app.name);
  const run = app.currentRun ?? app.lastRun;
  return html`<section class="app" data-app="${app.name}">
<h2>${app.name}</h2>
<div class="attention" data-field="attention">${attentionBlock(app.attention ?? [])}</div>
<div class="summary">
<p class="active">Active region <strong data-field="active-region">${app.activeRegion}</strong> <span class="muted" data-field="primary-note">${primaryNote(app)}</span></p>
<p class="decision" data-field="decision">${decisionLine(app)}</p>
</div>
<div class="approvals" data-field="approvals">${approvalsBlock(approvals, model.apiUrl)}</div>
<h3>Regions</h3>
<table class="regions">
<thead><tr><th scope="col">Region</th><th scope="col">Role</th><th scope="col">Health</th><th scope="col" class="history-col">Last hour, per minute (oldest left)</th></tr></thead>
<tbody>${app.regions.map((r) => regionRow(r, history))}</tbody>
</table>
<h3 data-field="run-heading">${runHeading(run)}</h3>
<div class="run-block" data-field="run">${run ? runBlock(run, model.status.now) : html`<p class="muted">No failover or failback has run yet.</p>`}</div>
<h3>Readiness</h3>
<div data-field="readiness">${readinessPanel(app.readiness)}</div>
<h3>Availability</h3>
<div data-field="availability">${availabilityBlock(app.availability)}</div>
<h3>Recent decisions</h3>
<ol class="decisions" data-field="decisions">${decisionItems(model.decisions[app.name] ?? [])}</ol>
</section>`;
}

function primaryNote(app: AppStatus): string {
  return app.activeRegion === app.primaryRegion ? '(the primary)' : `(the primary is ${app.primaryRegion})`;
}

function decisionLine(app: AppStatus): SafeHtml {
  const d = app.decision;
  if (!d) return html`<span class="muted">No decision yet: the first probe round has not been judged.</span>`;
  return html`<span class="action action-${d.action}${d.attention ? ' attention' : ''}">${d.action}</span> ${d.reason} <time class="muted">${clockTime(d.at)}</time>`;
}

function approvalsBlock(approvals: PendingApproval[], apiUrl: string): SafeHtml {
  if (approvals.length === 0) return html``;
  return html`<h3>Waiting for approval</h3><ul class="approval-list">${approvals.map(
    (a) => html`<li class="approval" data-run="${a.runId}" data-step="${a.stepId}">
<p><strong>${a.kind} ${a.from} → ${a.to}</strong>, run <code>${a.runId}</code>, waits at <em>${a.stepTitle}</em> (<code>${a.stepId}</code>) since ${clockTime(a.requestedAt)}${a.deadline !== undefined ? html`; ${a.onTimeout === 'proceed' ? 'proceeds' : 'fails'} without an answer at ${clockTime(a.deadline)}` : ''}.</p>
<p class="approval-reason">${a.reason}</p>
<p class="muted">Approve (an approver's token) or reject with:</p>
<pre class="command">${approvalCommands(a, apiUrl)}</pre>
</li>`,
  )}</ul>`;
}

/** The CLI and curl commands that answer a gate (the page itself never approves: that takes a bearer token, whose caller is recorded as who answered). */
export function approvalCommands(a: Pick<PendingApproval, 'runId' | 'stepId'>, apiUrl: string): string {
  return [
    `FAILOVER_URL=${apiUrl} failover approve ${a.runId} --step ${a.stepId} --comment "why"`,
    `FAILOVER_URL=${apiUrl} failover approve ${a.runId} --step ${a.stepId} --reject`,
    `curl -X POST ${apiUrl}/runs/${a.runId}/approve -H "Authorization: Bearer $FAILOVER_TOKEN" -H 'content-type: application/json' -d '{"stepId":"${a.stepId}"}'`,
  ].join('\n');
}

function regionRow(region: RegionStatus, history: AppHistory | undefined): SafeHtml {
  const buckets = history?.regions.find((r) => r.region === region.name)?.buckets ?? [];
  return html`<tr data-region="${region.name}" class="role-${region.role}">
<th scope="row">${region.name}</th>
<td data-field="role">${region.role}</td>
<td><span class="state state-${region.state}" data-field="state">${region.state}</span><div class="sentence" data-field="sentence">${region.sentence}</div></td>
<td class="history-col"><div class="history" data-field="history">${buckets.map(historyCell)}</div></td>
</tr>`;
}

function historyCell(b: HistoryBucket): SafeHtml {
  return html`<span class="cell cell-${b.state}" title="${bucketTitle(b)}"></span>`;
}

/** "12:04Z: 58 ok, 2 failed" (the same words status-js.ts writes). */
export function bucketTitle(b: HistoryBucket): string {
  const at = clockTime(b.start).slice(0, 5);
  if (b.state === 'none') return `${at}Z: no rounds`;
  return `${at}Z: ${b.ok} ok${b.failed > 0 ? `, ${b.failed} failed` : ''}`;
}

function runHeading(run: RunRecord | undefined): string {
  if (!run) return 'Runs';
  return run.status === 'running' ? 'Current run' : 'Last run';
}

function runBlock(run: RunRecord, now: number): SafeHtml {
  const done = run.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  const took = (run.finishedAt ?? now) - run.createdAt;
  return html`<div class="run run-${run.status}" data-run-id="${run.id}">
<p class="run-title"><strong>${run.kind === 'runbook' ? `runbook ${run.runbook}` : run.kind} ${run.from} → ${run.to}</strong> <span class="status status-${run.status}" data-field="run-status">${run.status}</span> <span class="muted">${run.trigger}, run <code>${run.id}</code>, started ${dateTime(run.createdAt)}, ${run.finishedAt !== undefined ? 'took' : 'for'} ${duration(took)}</span></p>
<p class="run-reason">${run.reason}</p>
<p class="run-progress"><progress max="${run.steps.length}" value="${done}"></progress> <span data-field="run-progress">${done} of ${run.steps.length} steps done</span></p>
<ol class="steps">${run.steps.map((s) => stepItem(s, now, run.rollback))}</ol>
${run.error ? html`<p class="run-error">${run.error}</p>` : ''}
${run.rollback ? html`<p class="run-rollback rollback-${run.rollback.outcome}"${run.rollback.outcome === 'complete' ? '' : html` role="alert"`}>${rollbackSentence(run.rollback)}</p>` : ''}
${run.attention ? html`<p class="run-attention" role="alert"><strong>Operator action needed:</strong> ${run.attention}</p>` : ''}
</div>`;
}

function stepItem(step: StepProgress, now: number, rollback: RollbackOutcome | undefined): SafeHtml {
  const took = step.startedAt !== undefined ? duration((step.finishedAt ?? now) - step.startedAt) : '';
  const message = stepMessage(step);
  const observation = step.status === 'running' && step.lastObservation ? stepObservation(step.lastObservation) : '';
  const undo = stepRollback(step.id, rollback);
  return html`<li class="step step-${step.status}" data-step="${step.id}"><span class="step-status">${stepLabel(step.status)}</span> <span class="step-title">${step.title}</span> <span class="step-time muted">${took}</span>${message ? html`<div class="step-message">${message}</div>` : ''}${observation ? html`<div class="step-observation">${observation}</div>` : ''}${undo ? html`<div class="step-rollback">${undo}</div>` : ''}</li>`;
}

/**
 * What a step's status reads as: a step whose check found its goal already
 * true is "already done" (stored as `skipped`, which reads as if something
 * were left out). The same words as status-js.ts.
 */
export function stepLabel(status: StepStatus): string {
  return status === 'skipped' ? 'already done' : status;
}

/** A step's message, without the "already done: " its label already says. */
export function stepMessage(step: Pick<StepProgress, 'status' | 'message'>): string {
  const message = step.message ?? '';
  return step.status === 'skipped' && message.startsWith('already done: ') ? message.slice('already done: '.length) : message;
}

/** "last seen at 12:04:55Z: 1/1 probes failing (HTTP 503); wanted: 1/1 probes ok": what a polling step saw last. */
export function stepObservation(seen: NonNullable<StepProgress['lastObservation']>): string {
  return `last seen at ${clockTime(seen.at)}: ${seen.text}`;
}

/** "undone by the rollback", or "not undone by the rollback: why", for a step of a rolled-back run; '' otherwise. */
export function stepRollback(stepId: string, rollback: RollbackOutcome | undefined): string {
  if (!rollback) return '';
  if (rollback.undone.includes(stepId)) return 'undone by the rollback';
  const not = rollback.notUndone.find((n) => n.step === stepId);
  return not ? `not undone by the rollback: ${not.error}` : '';
}

/**
 * "Rolled back: undone a, b." / "Rollback incomplete: undone a; not undone:
 * b (why)." / "Rollback failed: nothing undone; not undone: b (why).": what
 * a cancel's rollback really did (the same words as status-js.ts).
 */
export function rollbackSentence(rollback: RollbackOutcome): string {
  const undone = rollback.undone.length > 0 ? `undone ${rollback.undone.join(', ')}` : 'nothing undone';
  const notUndone = rollback.notUndone.map((n) => `${n.step} (${n.error})`).join('; ');
  if (rollback.outcome === 'complete') return rollback.undone.length > 0 ? `Rolled back: ${undone}.` : 'Rolled back: the run had changed nothing to undo.';
  return `Rollback ${rollback.outcome === 'partial' ? 'incomplete' : 'failed'}: ${undone}; not undone: ${notUndone}. What was not undone stands: check the world before anything else.`;
}

function availabilityBlock(availability: AvailabilityReport | undefined): SafeHtml {
  if (!availability || availability.windows.length === 0) return html`<p class="muted">Not measured yet.</p>`;
  return html`<table class="availability">
<thead><tr><th scope="col">Window</th><th scope="col">Availability</th><th scope="col">Target</th><th scope="col">Downtime</th><th scope="col">Error budget left</th></tr></thead>
<tbody>${availability.windows.map(
    (w) => html`<tr class="${w.met ? 'met' : 'missed'}" data-window="${w.window}"><th scope="row">${w.window}</th><td>${percent(w.availabilityPercent, 4)}</td><td>${percent(w.targetPercent, 2)}</td><td>${duration(w.downMs)} of ${duration(w.allowedDownMs)} allowed</td><td>${budgetLeft(w)}</td></tr>`,
  )}</tbody>
</table>`;
}

/** "20 min 12 s (93.52 %)", or "none: over by 3 min 05 s" once the budget is spent (the same words status-js.ts writes). */
export function budgetLeft(w: Pick<AvailabilityWindow, 'budgetLeftMs' | 'budgetLeftPercent'>): string {
  return w.budgetLeftMs >= 0 ? `${duration(w.budgetLeftMs)} (${percent(w.budgetLeftPercent, 2)})` : `none: over by ${duration(-w.budgetLeftMs)}`;
}

function decisionItems(decisions: Decision[]): SafeHtml {
  if (decisions.length === 0) return html`<li class="muted">None recorded yet.</li>`;
  return html`${decisions.map(
    (d) =>
      html`<li><time>${dateTime(d.at)}</time> <span class="action action-${d.action}${d.action === 'hold' && d.attention ? ' attention' : ''}">${d.action}</span> ${d.reason}${decisionHeld(d) ? html` <span class="held muted">${decisionHeld(d)}</span>` : ''}</li>`,
  )}`;
}

/**
 * "held 100 rounds, last at 12:08:20Z" for a decision that held on (one
 * entry, its count updated in place), or '' for one round (the same words
 * status-js.ts writes).
 */
export function decisionHeld(d: Pick<Decision, 'count' | 'lastAt'>): string {
  if (d.count === undefined || d.count < 2) return '';
  return `held ${d.count} rounds${d.lastAt !== undefined ? `, last at ${clockTime(d.lastAt)}` : ''}`;
}

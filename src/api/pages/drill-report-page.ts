import type { AvailabilityReport } from '../../availability/types.js';
import type { DrillAttention, DrillCoverage, DrillPhase, DrillReport } from '../../drills/drill.js';
import { rtoScope } from '../../drills/drill-report.js';
import { htmlDocument } from './layout.js';
import { html, type SafeHtml } from '../html/html.js';
import { clockTime, dateTime, duration, percent } from './page-format.js';

/** Width of a phase bar's coordinate system (the SVG viewBox). */
const BAR_WIDTH = 1000;

/**
 * The readable page of a game-day report: the verdict, the facts (RTO,
 * RPO, availability), which links of the chain the game day exercised,
 * stood in for or skipped, each phase with a bar on a time axis that shows the
 * RTO as a red line, the runs and what the drill did. A drill in progress,
 * or one whose run is still in flight, refreshes itself every 5 s (a meta
 * refresh: no script needed).
 */
export function renderDrillReportPage(report: DrillReport): string {
  const failover = report.phases.filter((p) => p.part === 'failover');
  const failback = report.phases.filter((p) => p.part === 'failback');
  const rtoMs = report.rtoSeconds * 1000;
  const recovered = report.rto.totalMs !== undefined;
  const scope = rtoScope(report.rto);
  // A partial measure says so on the badge too: "RTO met" alone would read as the controller's end to end.
  const partly = scope ? (report.rto.notMeasured?.includes('detection') ? ' (failover run only)' : ' (decision not exercised)') : '';
  const rtoBadge = report.rto.met === undefined ? '' : html` <span class="badge badge-${report.rto.met ? 'met' : 'missed'}">RTO ${report.rto.met ? 'met' : 'missed'}${partly}</span>`;
  const body = html`<header>
<h1>Game day: ${report.app}, ${report.from} → ${report.to} <span class="badge badge-${report.status}">${report.status}</span>${rtoBadge}</h1>
<p>Drill <code>${report.drillId}</code>, started ${dateTime(report.startedAt)} by ${report.startedBy}${report.finishedAt !== undefined ? html`, ended ${dateTime(report.finishedAt)}` : ''}</p>
</header>
<main>
${report.attention ? attentionSection(report.attention) : ''}
<p class="verdict">${report.verdict}</p>
<dl class="facts">
<dt>Environment</dt><dd>${report.environment === 'sim' ? 'the simulated world' : 'AWS'}</dd>
<dt>How it began</dt><dd>${report.trigger === 'injected-outage' ? `an injected outage of ${report.from}` : `a manual failover from ${report.from} (no fault injected: detection and decision not exercised)`}</dd>
<dt>RTO target</dt><dd>${duration(rtoMs)}</dd>
<dt>Recovery time</dt><dd>${recovered ? html`${duration(report.rto.totalMs!)} (${percent(report.rto.percentOfRto, 1)} of the RTO), from the ${report.rto.from === 'injection' ? 'injection' : 'manual trigger'} to the application answering in ${report.to}` : html`not recovered; ${duration(report.rto.elapsedMs ?? 0)} so far`}${scope ? html` <span class="note">Measured ${scope}.</span>` : ''}</dd>
<dt>RPO estimate</dt><dd>${report.rpoEstimate ? html`${report.rpoEstimate.seconds !== undefined ? `${report.rpoEstimate.seconds} s` : 'unknown'} against an RPO of ${report.rpoEstimate.rpoSeconds} s <span class="note">${report.rpoEstimate.summary}</span>` : 'not known yet'}</dd>
${report.failback?.totalMs !== undefined ? html`<dt>Failback</dt><dd>${duration(report.failback.totalMs)} <span class="note">${report.failback.note}</span></dd>` : ''}
${report.availability ? availabilityFacts(report.availability) : ''}
${report.error ? html`<dt>Error</dt><dd class="status-failed">${report.error}</dd>` : ''}
</dl>
${report.coverage ? coverageSection(report.coverage) : ''}
<h2>Failover phases</h2>
<p class="legend">Bars on a time axis from the ${report.trigger === 'injected-outage' ? 'injection' : 'manual trigger'}; the red line is the RTO (${duration(rtoMs)}). The database and compute phases run side by side.</p>
${phaseTable(failover, rtoMs)}
${failback.length > 0 ? html`<h2>Failback phases</h2><p class="legend">Time axis from ${report.trigger === 'injected-outage' ? 'the heal' : 'the end of the failover'}; the RTO line is shown for scale only (a planned failback has no outage to recover from).</p>${phaseTable(failback, rtoMs)}` : ''}
<h2>Runs</h2>
${report.runs.length === 0 ? html`<p class="note">${report.status === 'running' ? 'No run yet.' : 'No run: the drill ended before any failover started.'}</p>` : html`<ul>${report.runs.map((r) => html`<li><a href="/runs/${encodeURIComponent(r.id)}"><code>${r.id}</code></a>: ${r.kind} (${r.trigger}), ${r.status}</li>`)}</ul>`}
<h2>What the drill did</h2>
<ol class="events">${report.events.map((e) => html`<li><code>${clockTime(e.at)}</code> ${e.text}</li>`)}</ol>
</main>
<footer>Report made ${dateTime(report.generatedAt)}. The same report as JSON: <a href="?format=json">?format=json</a>.</footer>`;
  return htmlDocument({
    title: `Game day ${report.drillId} – ${report.app}`,
    body,
    stylesheet: 'drill-report.css',
    // Also after an abort that left a run to finish: the report follows that run until it ends.
    ...(report.status === 'running' || report.runs.some((r) => r.status === 'running') ? { refreshSeconds: 5 } : {}),
  });
}

/** A run stopped half way: said first and loudly, with the layout it left and what to do. */
function attentionSection(attention: DrillAttention): SafeHtml {
  const { run, layout } = attention;
  const step = run.failedStep;
  return html`<section class="attention" role="alert" aria-labelledby="attention-title">
<h2 id="attention-title">Operator action needed</h2>
<p>${attention.summary}</p>
<dl class="facts">
<dt>Stopped run</dt><dd><a href="/runs/${encodeURIComponent(run.id)}"><code>${run.id}</code></a>: ${run.kind} ${run.from} → ${run.to}, ${run.status}</dd>
${step ? html`<dt>Failed step</dt><dd><code>${step.id}</code> ${step.title} (${step.status})${step.message ? html`<div class="note">${step.message}</div>` : ''}</dd>` : ''}
<dt>DNS points at</dt><dd>${layout ? (layout.dnsRegion ?? 'none of its regions (or it could not be read)') : 'not read'}</dd>
<dt>Databases</dt><dd>${layout ? layout.databases.map((d) => html`<span class="window">${d.region}: <strong>${d.role}</strong>${d.replicaOf ? ` of ${d.replicaOf}` : ''}${d.status ? `, ${d.status}` : ''}</span>`) : 'not read'}</dd>
</dl>
<ol>${attention.actions.map((a) => html`<li>${a}</li>`)}</ol>
</section>`;
}

/** Which links of the chain the game day exercised (the controller's own), stood in for (and why), or skipped. */
function coverageSection(coverage: DrillCoverage[]): SafeHtml {
  return html`<h2>What the game day exercised</h2>
<table class="coverage">
<thead><tr><th scope="col">Phase</th><th scope="col">Exercised?</th><th scope="col">By</th><th scope="col">Why</th></tr></thead>
<tbody>
${coverage.map((c) => html`<tr data-phase="${c.phase}"><th scope="row">${c.phase}</th><td class="status-${c.status}">${COVERAGE_WORDS[c.status]}</td><td>${c.by ?? '–'}</td><td>${c.note}</td></tr>`)}
</tbody>
</table>`;
}

const COVERAGE_WORDS: Record<DrillCoverage['status'], string> = { exercised: 'exercised', 'stood-in': 'stood in for', skipped: 'skipped', pending: 'not yet' };

function availabilityFacts(availability: AvailabilityReport): SafeHtml {
  return html`<dt>Availability</dt><dd>${availability.windows.map(
    (w) => html`<span class="window">${w.window}: ${percent(w.availabilityPercent, 4)} (target ${percent(availability.targetPercent, 2)}; error budget left ${duration(Math.max(0, w.budgetLeftMs))}, ${percent(w.budgetLeftPercent, 2)})</span>`,
  )}</dd>`;
}

function phaseTable(phases: DrillPhase[], rtoMs: number): SafeHtml {
  // One axis per table: the RTO, or longer when the phases run past it.
  const axisMs = Math.max(rtoMs, ...phases.map((p) => (p.offsetMs ?? 0) + (p.durationMs ?? 0)), 1);
  return html`<table>
<thead><tr><th scope="col">Phase</th><th scope="col">Start</th><th scope="col">Duration</th><th scope="col">% of RTO</th><th scope="col">Timeline</th><th scope="col">Status</th></tr></thead>
<tbody>
${phases.map(
  (p) => html`<tr>
<th scope="row">${p.name}${p.note ? html`<div class="note">${p.note}</div>` : ''}</th>
<td class="num">${p.offsetMs !== undefined ? `+${duration(p.offsetMs)}` : '–'}</td>
<td class="num">${p.durationMs !== undefined ? duration(p.durationMs) : '–'}</td>
<td class="num">${p.percentOfRto !== undefined ? percent(p.percentOfRto, 1) : '–'}</td>
<td class="timeline">${bar(p, axisMs, rtoMs)}</td>
<td class="status-${p.status}">${p.status}</td>
</tr>`,
)}
</tbody>
</table>`;
}

/** A phase on the time axis, with the RTO as a line. */
function bar(phase: DrillPhase, axisMs: number, rtoMs: number): SafeHtml {
  const scale = (ms: number) => Math.round((ms / axisMs) * BAR_WIDTH * 10) / 10;
  const rto = scale(rtoMs);
  const label = phase.durationMs !== undefined ? `${phase.name}: ${duration(phase.durationMs)} starting ${duration(phase.offsetMs ?? 0)} in` : `${phase.name}: ${phase.status}`;
  const span =
    phase.offsetMs !== undefined && phase.durationMs !== undefined
      ? html`<rect class="span span-${phase.status}" x="${scale(phase.offsetMs)}" y="2" width="${Math.max(2, scale(phase.durationMs))}" height="12"/>`
      : '';
  return html`<svg class="bar" viewBox="0 0 ${BAR_WIDTH} 16" preserveAspectRatio="none" role="img" aria-label="${label}"><rect class="track" x="0" y="6" width="${BAR_WIDTH}" height="4"/>${span}<line class="rto" x1="${rto}" y1="0" x2="${rto}" y2="16"/></svg>`;
}

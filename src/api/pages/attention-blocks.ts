import type { AppReadiness } from '../../controller/app-attention.js';
import type { AttentionItem } from '../../controller/attention.js';
import { html, type SafeHtml } from '../html/html.js';
import { clockTime } from './page-format.js';

/** What each kind of banner is headed with (the same words as status-js.ts). */
export const BANNER_LABELS: Record<AttentionItem['kind'], string> = {
  down: 'Application down',
  operator: 'Operator needed',
  drift: 'Drift',
  readiness: 'Not ready',
  drill: 'Drill in progress',
};

/**
 * The banners at the top of an application's section: most urgent first,
 * each with its evidence and the exact commands that settle it. Critical
 * ones are alerts (screen readers announce them).
 */
export function attentionBlock(items: AttentionItem[]): SafeHtml {
  return html`${items.map(
    (item) => html`<div class="banner banner-${item.kind} severity-${item.severity}" data-kind="${item.kind}" role="${item.severity === 'critical' ? 'alert' : 'status'}">
<p class="banner-title"><strong>${BANNER_LABELS[item.kind]}</strong> ${item.title}</p>
${item.details.length > 0 ? html`<ul class="banner-details">${item.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
${item.commands.length > 0 ? html`<pre class="command">${item.commands.join('\n')}</pre>` : ''}
${item.link ? html`<p><a href="${item.link.href}">${item.link.text}</a></p>` : ''}
</div>`,
  )}`;
}

/** The readiness panel: each check of each region a run could go to, with its fix; when it was evaluated. */
export function readinessPanel(readiness: AppReadiness | undefined): SafeHtml {
  if (!readiness || readiness.readinessAt === undefined) return html`<p class="muted">Not evaluated yet: the first evaluation runs within a round of the start.</p>`;
  return html`<p class="muted">${readinessWhen(readiness)}</p>
<table class="readiness">
<thead><tr><th scope="col">Region</th><th scope="col">Check</th><th scope="col">Status</th><th scope="col">Finding</th></tr></thead>
<tbody>${readiness.checks.map(
    (c) => html`<tr class="check check-${c.status}" data-check="${c.id}" data-check-region="${c.region}"><td>${c.region}</td><td><code>${c.id}</code></td><td><span class="check-status check-status-${c.status}">${c.status}</span></td><td>${c.sentence}${c.status !== 'ok' && c.fix ? html`<div class="fix">Fix: ${c.fix}</div>` : ''}</td></tr>`,
  )}</tbody>
</table>`;
}

/** "Evaluated 12:00:05Z; drift checked 12:00:10Z" (the same words as status-js.ts). */
export function readinessWhen(r: Pick<AppReadiness, 'readinessAt' | 'driftAt'>): string {
  return `Evaluated ${r.readinessAt !== undefined ? clockTime(r.readinessAt) : 'never'}; drift checked ${r.driftAt !== undefined ? clockTime(r.driftAt) : 'never'}`;
}

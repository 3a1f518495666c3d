import type { AppReadiness } from '../controller/app-attention.js';
import type { AttentionItem } from '../controller/attention.js';
import type { ReadinessCheck } from '../readiness/world-report.js';
import { formatTime } from './format.js';

const MARK: Record<ReadinessCheck['status'], string> = { ok: 'ok  ', warning: 'WARN', failing: 'FAIL' };

/** `failover readiness`: per application, each check with its status, sentence and fix; then drift. */
export function formatReadiness(apps: AppReadiness[]): string {
  const lines: string[] = [];
  for (const app of apps) {
    if (lines.length > 0) lines.push('');
    const when = app.readinessAt !== undefined ? `evaluated ${formatTime(app.readinessAt)}` : 'not evaluated yet: the first evaluation runs within a round of the start';
    lines.push(`${app.app}: active region ${app.activeRegion}; readiness ${when}`);
    for (const c of app.checks) {
      lines.push(`  ${MARK[c.status]} ${c.region} ${c.id}: ${c.sentence}`);
      if (c.status !== 'ok' && c.fix) lines.push(`       fix: ${c.fix}`);
    }
    if (app.drift.length === 0 && app.driftAt !== undefined) lines.push(`  drift: none (${formatTime(app.driftAt)})`);
    for (const f of app.drift) {
      lines.push(`  ${f.status === 'failing' ? 'DRIFT' : 'LEFTOVER'} ${f.region} ${f.id}: ${f.sentence}`);
      for (const command of f.commands) lines.push(`       $ ${command}`);
    }
  }
  return lines.join('\n');
}

/** The attention block of `failover status`: most urgent first, each with its next commands. */
export function formatAttention(items: AttentionItem[]): string[] {
  return items.flatMap((item) => [`  ${item.severity.toUpperCase()} ${item.kind}: ${item.title}`, ...item.details.map((d) => `    ${d}`), ...item.commands.map((c) => `    $ ${c}`), ...(item.link ? [`    see ${item.link.href}`] : [])]);
}

/** Exit status of `failover readiness`: 1 when a check fails or the world drifted, so that scripts and cron can page on it. */
export function readinessFailed(apps: AppReadiness[]): boolean {
  return apps.some((a) => a.checks.some((c) => c.status === 'failing') || a.drift.some((f) => f.status === 'failing'));
}

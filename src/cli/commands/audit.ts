import type { Command } from 'commander';
import type { AuditRecord } from '../../ports/state-store.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { limitOption } from './list-options.js';

/** `failover audit [--limit N]`: every request that could change something, whatever its outcome, newest first. */
export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('the audit trail: who asked for what change, when, and what the API answered, newest first')
    .addOption(limitOption())
    .action(async (options: { limit: number }) => {
      const { records } = await (await ctx.client()).get<{ records: AuditRecord[] }>(`/audit?limit=${options.limit}`);
      ctx.emit({ records }, () => (records.length === 0 ? 'no changes asked for yet' : records.map(auditLine).join('\n')));
      ctx.exitCode = EXIT.ok;
    });
}

/** One record as a line: when, who, the request and its status, the run it touched, the body's summary. */
export function auditLine(r: AuditRecord): string {
  const at = new Date(r.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const path = Object.entries(r.params ?? {}).reduce((route, [k, v]) => route.replace(`:${k}`, v), r.route);
  const extras = [r.runId ? `run ${r.runId}` : undefined, r.replayed ? 'replayed' : undefined, r.body === '{}' ? undefined : r.body].filter(Boolean);
  return `${at}  ${r.caller}  ${r.method} ${path}  ${r.statusCode}${extras.length > 0 ? `  ${extras.join('; ')}` : ''}`;
}

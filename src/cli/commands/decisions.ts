import type { Command } from 'commander';
import type { Decision } from '../../policy/decision.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { limitOption } from './list-options.js';

/** `failover decisions [--app NAME] [--limit N]`: every change of the policy's mind, newest first. */
export function registerDecisions(program: Command, ctx: CliContext): void {
  program
    .command('decisions')
    .description("the policy's decisions, newest first: each change of action, target or region state, a held one counted in place")
    .option('--app <name>', 'only this application')
    .addOption(limitOption())
    .action(async (options: { app?: string; limit: number }) => {
      const query = new URLSearchParams({ limit: String(options.limit), ...(options.app !== undefined ? { app: options.app } : {}) });
      const { decisions } = await (await ctx.client()).get<{ decisions: Decision[] }>(`/decisions?${query}`);
      ctx.emit({ decisions }, () => (decisions.length === 0 ? 'no decisions yet' : decisions.map(decisionLine).join('\n')));
      ctx.exitCode = EXIT.ok;
    });
}

/** One decision as a line: when, the application, the action (with its target and round count), and why. */
export function decisionLine(d: Decision): string {
  const target = d.action === 'hold' ? '' : ` ${d.from} → ${d.to}`;
  const held = (d.count ?? 1) > 1 ? ` (${d.count} rounds, until ${iso(d.lastAt ?? d.at)})` : '';
  return `${iso(d.at)}  ${d.app}  ${d.action}${target}${held}: ${d.reason}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

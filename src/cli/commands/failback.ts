import type { Command } from 'commander';
import type { RunRecord } from '../api-types.js';
import type { CliContext } from '../context.js';
import { reportStartedRun } from '../follow-run.js';

/** `failover failback --reason TEXT [--app] [--wait]`: move the application back to its primary region. */
export function registerFailback(program: Command, ctx: CliContext): void {
  program
    .command('failback')
    .description('start a failback of the application to its primary region')
    .requiredOption('--reason <text>', 'why (recorded with the run and in the audit log)')
    .option('--app <name>', 'the application (may be left out when there is one)')
    .option('--force', 'start it although the target is not healthy or not ready (the reason and the overridden checks are recorded)')
    .option('--wait', 'follow the run to its end; exit 1 if it does not succeed')
    .action(async (options: { reason: string; app?: string; wait?: boolean; force?: boolean }) => {
      const body = { reason: options.reason, ...(options.app !== undefined ? { app: options.app } : {}), ...(options.force ? { force: true } : {}) };
      const { run } = await (await ctx.client()).post<{ run: RunRecord }>('/failback', body);
      ctx.exitCode = await reportStartedRun(ctx, run, options.wait === true);
    });
}

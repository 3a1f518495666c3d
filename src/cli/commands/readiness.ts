import type { Command } from 'commander';
import type { AppReadiness } from '../../controller/app-attention.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatReadiness, readinessFailed } from '../format-readiness.js';

/** `failover readiness [--app NAME]`: could each failover succeed now, and does the world look as the controller believes. */
export function registerReadiness(program: Command, ctx: CliContext): void {
  program
    .command('readiness')
    .description('readiness checks of each region a failover or failback could go to, and drift; exits 1 when one fails')
    .option('--app <name>', 'only this application')
    .action(async (options: { app?: string }) => {
      const query = options.app !== undefined ? `?app=${encodeURIComponent(options.app)}` : '';
      const { applications } = await (await ctx.client()).get<{ applications: AppReadiness[] }>(`/readiness${query}`);
      ctx.emit({ applications }, () => formatReadiness(applications));
      ctx.exitCode = readinessFailed(applications) ? EXIT.failed : EXIT.ok;
    });
}

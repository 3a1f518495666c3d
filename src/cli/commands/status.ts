import type { Command } from 'commander';
import type { StatusView } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT, usageError } from '../exit-codes.js';
import { formatStatus } from '../format.js';

/** `failover status [--app NAME]`: each region's state, role and the controller's sentence; the policy's reason; the current run. */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('regions, their health and roles, the policy decision and the current run')
    .option('--app <name>', 'only this application')
    .action(async (options: { app?: string }) => {
      const status = await (await ctx.client()).get<StatusView>('/status');
      const shown = options.app === undefined ? status : { ...status, applications: status.applications.filter((a) => a.name === options.app) };
      if (options.app !== undefined && shown.applications.length === 0) {
        throw usageError(`--app: unknown application "${options.app}"; known: ${status.applications.map((a) => a.name).join(', ')}`);
      }
      ctx.emit(shown, () => formatStatus(shown, ctx.io.now()));
      ctx.exitCode = EXIT.ok;
    });
}

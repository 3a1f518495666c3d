import { type Command, InvalidArgumentError, Option } from 'commander';
import type { StatusView } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT, usageError } from '../exit-codes.js';
import { formatStatus } from '../format.js';

/** Options of `failover status`. */
interface StatusOptions {
  app?: string;
  watch?: number | true;
  /** Hidden: stop a --watch after this many refreshes (tests, scripts). */
  count?: number;
}

/** Clear the terminal and move to its top left, so each refresh replaces the last one (as `watch` does). */
const REDRAW = '\u001b[H\u001b[2J';

/**
 * `failover status [--app NAME] [--watch [SECONDS]]`: each region's state, role
 * and the controller's sentence; the policy's reason; the current run. With
 * --watch, the status again every SECONDS (default 2) until Ctrl-C, redrawn
 * in place on a terminal, one block after another otherwise.
 */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('regions, their health and roles, the policy decision and the current run')
    .option('--app <name>', 'only this application')
    .option('--watch [seconds]', 'refresh every SECONDS (default 2) until Ctrl-C, redrawn in place on a terminal', seconds)
    .addOption(new Option('--count <n>', 'stop --watch after n refreshes').hideHelp().argParser(count))
    .action(async (options: StatusOptions) => {
      if (options.watch === undefined) {
        await show(ctx, options.app);
        ctx.exitCode = EXIT.ok;
        return;
      }
      if (ctx.globals().json) throw usageError('--watch: not with --json (it prints the status again and again); poll `failover status --json` instead');
      const everyMs = (options.watch === true ? 2 : options.watch) * 1000;
      const tty = ctx.io.stdout.isTTY === true;
      for (let n = 1; options.count === undefined || n <= options.count; n++) {
        if (tty) ctx.io.stdout.write(REDRAW);
        else if (n > 1) ctx.io.stdout.write('\n');
        await show(ctx, options.app);
        ctx.io.stdout.write(`(every ${everyMs / 1000} s; Ctrl-C to stop)\n`);
        if (options.count !== undefined && n === options.count) break;
        await ctx.io.sleep(everyMs);
      }
      ctx.exitCode = EXIT.ok;
    });
}

async function show(ctx: CliContext, app: string | undefined): Promise<void> {
  const status = await (await ctx.client()).get<StatusView>('/status');
  const shown = app === undefined ? status : { ...status, applications: status.applications.filter((a) => a.name === app) };
  if (app !== undefined && shown.applications.length === 0) {
    throw usageError(`--app: unknown application "${app}"; known: ${status.applications.map((a) => a.name).join(', ')}`);
  }
  ctx.emit(shown, () => formatStatus(shown, ctx.io.now()));
}

/** `--count 3`: a whole number from 1. */
function count(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('must be a whole number from 1');
  return Number(raw);
}

/** `--watch 5`: seconds from 1 to 3600. */
function seconds(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3600) throw new InvalidArgumentError('must be a whole number of seconds from 1 to 3600');
  return Number(raw);
}

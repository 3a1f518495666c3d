import { type Command, InvalidArgumentError } from 'commander';
import type { RunDetail, RunList } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatRunDetail, formatRunList } from '../format.js';

/** `failover runs [--app] [--limit N]`: the runs, newest first; `failover runs RUN_ID`: one run, step by step. */
export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('the runs, newest first; with a run id, that run step by step with durations')
    .argument('[run-id]', 'show this run')
    .option('--app <name>', 'only runs of this application')
    .option('--limit <n>', 'how many runs (1 to 500)', parseLimit)
    .action(async (runId: string | undefined, options: { app?: string; limit?: number }) => {
      const client = await ctx.client();
      if (runId !== undefined) {
        const detail = await client.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`);
        ctx.emit(detail, () => formatRunDetail(detail.run, ctx.io.now()));
      } else {
        const list = await client.get<RunList>('/runs', { app: options.app, limit: options.limit ?? 20 });
        ctx.emit(list, () => formatRunList(list.runs));
      }
      ctx.exitCode = EXIT.ok;
    });
}

/** --limit: a whole number from 1 to 500, as the API takes. */
export function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 500) throw new InvalidArgumentError('must be a whole number from 1 to 500');
  return n;
}

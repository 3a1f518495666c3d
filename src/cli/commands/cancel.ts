import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `failover cancel RUN_ID --by NAME [--rollback] [--comment TEXT]`: stop a run at its next step boundary. */
export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description('stop a run at its next step boundary; with --rollback, undo the steps that succeeded, newest first')
    .argument('<run-id>', 'the run to stop')
    .requiredOption('--by <name>', 'who cancels (recorded)')
    .option('--rollback', 'undo what the run did, where its steps can be undone')
    .option('--comment <text>', 'why (recorded)')
    .action(async (runId: string, options: { by: string; rollback?: boolean; comment?: string }) => {
      const body = { by: options.by, rollback: options.rollback === true, ...(options.comment !== undefined ? { comment: options.comment } : {}) };
      const answer = await (await ctx.client()).post<{ runId: string; cancel: string; rollback: boolean }>(`/runs/${encodeURIComponent(runId)}/cancel`, body);
      ctx.emit(answer, () => `run ${answer.runId}: cancel ${answer.cancel}${answer.rollback ? ', then roll back' : ''}; follow it with: failover runs ${answer.runId}`);
      ctx.exitCode = EXIT.ok;
    });
}

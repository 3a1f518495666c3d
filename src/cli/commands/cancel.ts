import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `failover cancel RUN_ID [--rollback] [--comment TEXT] [--by NAME]`: stop a run at its next step boundary. */
export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description("stop a run at its next step boundary; with --rollback, undo the steps that succeeded, newest first; recorded as requested by the token's caller")
    .argument('<run-id>', 'the run to stop')
    .option('--rollback', 'undo what the run did, where its steps can be undone')
    .option('--comment <text>', 'why (recorded)')
    .option('--by <name>', "a name to note beside the request; who cancelled is always the token's caller name")
    .action(async (runId: string, options: { by?: string; rollback?: boolean; comment?: string }) => {
      const body = { rollback: options.rollback === true, ...(options.by !== undefined ? { by: options.by } : {}), ...(options.comment !== undefined ? { comment: options.comment } : {}) };
      const answer = await (await ctx.client()).post<{ runId: string; cancel: string; rollback: boolean; by: string }>(`/runs/${encodeURIComponent(runId)}/cancel`, body);
      ctx.emit(answer, () => `run ${answer.runId}: cancel ${answer.cancel}${answer.rollback ? ', then roll back' : ''} (by ${answer.by}); follow it with: failover runs ${answer.runId}`);
      ctx.exitCode = EXIT.ok;
    });
}

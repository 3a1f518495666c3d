import type { Command } from 'commander';
import type { RunRecord } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatRunOutcome } from '../format.js';
import { rollbackIncomplete } from '../format-run.js';
import { waitForRun } from '../wait-for-run.js';

/**
 * `failover cancel RUN_ID [--rollback] [--comment TEXT] [--by NAME] [--wait | --no-wait]`: stop a run at its next
 * step boundary. With --rollback it waits, by default, for the run to end and says what the rollback undid and
 * what it could not: a rollback that left acts standing exits 1, naming the compensations that failed.
 */
export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description("stop a run at its next step boundary; with --rollback, undo the steps that succeeded, newest first; recorded as requested by the token's caller")
    .argument('<run-id>', 'the run to stop')
    .option('--rollback', 'undo what the run did, where its steps can be undone')
    .option('--comment <text>', 'why (recorded)')
    .option('--by <name>', "a name to note beside the request; who cancelled is always the token's caller name")
    .option('--wait', 'follow the run to its end; exit 1 unless it ended cancelled with everything undone that was to be (the default with --rollback)')
    .option('--no-wait', 'return once the cancel is recorded, without following the run')
    .action(async (runId: string, options: { by?: string; rollback?: boolean; comment?: string; wait?: boolean }) => {
      const body = { rollback: options.rollback === true, ...(options.by !== undefined ? { by: options.by } : {}), ...(options.comment !== undefined ? { comment: options.comment } : {}) };
      const client = await ctx.client();
      const answer = await client.post<{ runId: string; cancel: string; rollback: boolean; by: string }>(`/runs/${encodeURIComponent(runId)}/cancel`, body);
      const requested = `run ${answer.runId}: cancel ${answer.cancel}${answer.rollback ? ', then roll back' : ''} (by ${answer.by})`;
      // A rollback's outcome is what the operator needs to know: "cancel requested" says nothing of it.
      if (!(options.wait ?? options.rollback === true)) {
        ctx.emit(answer, () => `${requested}; follow it with: failover runs ${answer.runId}`);
        ctx.exitCode = EXIT.ok;
        return;
      }
      ctx.say(requested);
      const run = await waitForRun(client, answer.runId, { reporter: ctx.reporter(), sleep: ctx.io.sleep });
      ctx.emit({ ...answer, run }, () => formatCancelOutcome(run));
      ctx.exitCode = cancelExitCode(run);
    });
}

/**
 * A followed cancel succeeded when the run ended cancelled and, if a
 * rollback was asked for, it undid everything: a run that ended otherwise
 * (it finished before its next step boundary, or failed), or a rollback
 * that left acts standing, is 1.
 */
export function cancelExitCode(run: RunRecord): ExitCode {
  return run.status === 'cancelled' && !rollbackIncomplete(run) ? EXIT.ok : EXIT.failed;
}

/** The run's outcome, saying so when the cancel came too late to stop it. */
function formatCancelOutcome(run: RunRecord): string {
  const outcome = formatRunOutcome(run);
  return run.status === 'cancelled' ? outcome : `${outcome}\nthe cancel did not stop it: the run ended before its next step boundary`;
}

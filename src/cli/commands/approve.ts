import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `failover approve RUN_ID [--reject] [--comment TEXT] [--step ID] [--by NAME]`: answer a run's approval gate. */
export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command('approve')
    .description("answer a run's approval gate (the RPO guard): approve, or reject with --reject; recorded as answered by the token's caller")
    .argument('<run-id>', 'the run waiting for approval')
    .option('--reject', 'reject: the run fails at the gate and nothing is promoted')
    .option('--comment <text>', 'why (recorded)')
    .option('--step <id>', 'the gate to answer, when several wait')
    .option('--by <name>', "a name to note beside the answer; who answered is always the token's caller name")
    .action(async (runId: string, options: { by?: string; reject?: boolean; comment?: string; step?: string }) => {
      const decision = options.reject ? 'reject' : 'approve';
      const body = { decision, ...(options.by !== undefined ? { by: options.by } : {}), ...(options.comment !== undefined ? { comment: options.comment } : {}), ...(options.step !== undefined ? { stepId: options.step } : {}) };
      const answer = await (await ctx.client()).post<{ runId: string; decision: string; by: string }>(`/runs/${encodeURIComponent(runId)}/approve`, body);
      ctx.emit(answer, () => `run ${answer.runId}: ${decision === 'approve' ? 'approved' : 'rejected'} by ${answer.by}; follow it with: failover runs ${answer.runId}`);
      ctx.exitCode = EXIT.ok;
    });
}

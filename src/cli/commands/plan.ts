import { type Command, Option } from 'commander';
import type { PlanAnswer } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatPlan } from '../format.js';

/** Options of a dry run. */
export interface PlanOptions {
  app?: string;
  kind?: 'failover' | 'failback';
  to?: string;
  /** A named runbook of the application, instead of a failover or failback. */
  runbook?: string;
}

/** POST /drills {mode: 'plan'} and print the steps with their current and desired state. */
export async function showPlan(ctx: CliContext, options: PlanOptions): Promise<void> {
  const body = {
    mode: 'plan',
    ...(options.app !== undefined ? { app: options.app } : {}),
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.runbook !== undefined ? { runbook: options.runbook } : {}),
  };
  const answer = await (await ctx.client()).post<PlanAnswer>('/drills', body);
  ctx.emit(answer, () => formatPlan(answer.plan));
}

/** `failover plan [--app] [--kind failover|failback | --runbook NAME] [--to REGION]`: what a run would do, changing nothing. */
export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('dry run: the steps a failover, a failback or a named runbook would take, with each resource now and wanted; changes nothing')
    .option('--app <name>', 'the application (may be left out when there is one)')
    .addOption(new Option('--kind <kind>', 'which run to plan (default: failover)').choices(['failover', 'failback']).conflicts('runbook'))
    .option('--runbook <name>', 'plan a named runbook of the application instead (see failover runbooks)')
    .option('--to <region>', 'the region to move to (default: the first healthy standby, or the primary for a failback)')
    .action(async (options: PlanOptions) => {
      await showPlan(ctx, options);
      ctx.exitCode = EXIT.ok;
    });
}

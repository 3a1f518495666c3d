import type { Command } from 'commander';
import type { RunRecord } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { reportStartedRun } from '../follow-run.js';
import type { TreeNode } from '../../runbook/runbook-tree.js';

/** GET /runbooks: each application's runbooks, each with its tree. */
interface RunbooksAnswer {
  applications: {
    app: string;
    own: boolean;
    failover: DescribedRunbook;
    failback: DescribedRunbook;
    named: DescribedRunbook[];
  }[];
}

interface DescribedRunbook {
  name: string;
  title: string;
  tree: TreeNode;
}

/** `failover runbooks [--app]` and `failover run NAME --reason TEXT [--app] [--to] [--wait]`. */
export function registerRunbooks(program: Command, ctx: CliContext): void {
  program
    .command('runbooks')
    .description("list each application's runbooks: the failover's, the failback's and the named ones operators run")
    .option('--app <name>', 'only this application')
    .action(async (options: { app?: string }) => {
      const answer = await (await ctx.client()).get<RunbooksAnswer>('/runbooks', { app: options.app });
      ctx.emit(answer, () => formatRunbooks(answer));
      ctx.exitCode = EXIT.ok;
    });

  program
    .command('run')
    .description('run one of the application\'s named runbooks now (plan it first: failover plan --runbook NAME)')
    .argument('<runbook>', 'the named runbook (see failover runbooks)')
    .requiredOption('--reason <text>', 'why (recorded with the run and in the audit log)')
    .option('--app <name>', 'the application (may be left out when there is one)')
    .option('--to <region>', "the region the runbook's steps act towards (default: the first region that is not the active one)")
    .option('--wait', 'follow the run to its end; exit 1 if it does not succeed')
    .action(async (name: string, options: { reason: string; app?: string; to?: string; wait?: boolean }) => {
      const body = { reason: options.reason, ...(options.app !== undefined ? { app: options.app } : {}), ...(options.to !== undefined ? { to: options.to } : {}) };
      const { run } = await (await ctx.client()).post<{ run: RunRecord }>(`/runbooks/${encodeURIComponent(name)}/runs`, body);
      ctx.exitCode = await reportStartedRun(ctx, run, options.wait === true);
    });
}

function formatRunbooks(answer: RunbooksAnswer): string {
  return answer.applications
    .map((a) => {
      const named = a.named.length > 0 ? a.named.map((b) => `  ${b.name}: ${b.title}`) : ['  (none)'];
      const source = a.own ? 'its own' : 'built-in';
      return [`${a.app} (${source} runbooks)`, `  failover: ${a.failover.name}`, `  failback: ${a.failback.name}`, 'named runbooks:', ...named].join('\n');
    })
    .join('\n\n');
}

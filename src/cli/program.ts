import { Command } from 'commander';
import { registerApprove } from './commands/approve.js';
import { registerCancel } from './commands/cancel.js';
import { registerDrill } from './commands/drill.js';
import { registerFailback } from './commands/failback.js';
import { registerFailover } from './commands/failover.js';
import { registerIamPolicy } from './commands/iam-policy.js';
import { registerPlan } from './commands/plan.js';
import { registerProvision } from './commands/provision.js';
import { registerReadiness } from './commands/readiness.js';
import { registerRunbooks } from './commands/runbooks.js';
import { registerRuns } from './commands/runs.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { registerDecisions } from './commands/decisions.js';
import { registerAudit } from './commands/audit.js';
import { registerSim } from './commands/sim.js';
import type { CliContext } from './context.js';
import { DEFAULT_URL } from './connection.js';

/**
 * The `failover` command line: global options and every command. Commander
 * writes through the context's io and throws instead of exiting, so main()
 * decides the exit code and tests run it in-process.
 */
export function buildProgram(program: Command, ctx: CliContext): Command {
  program
    .name('failover')
    .description('Drive failover-controller: status, plans, drills, failover, failback, approvals, runs.')
    // Before any command is added: subcommands inherit these settings.
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s), getOutHelpWidth: () => ctx.io.stdout.columns ?? 100, getErrHelpWidth: () => ctx.io.stderr.columns ?? 100 })
    .showSuggestionAfterError(true)
    // A command's help lists --url, --token, --json and --no-progress too.
    .configureHelp({ showGlobalOptions: true })
    .option('--url <url>', `the controller's API (env FAILOVER_URL; default ${DEFAULT_URL})`)
    .option('--token <token>', 'API bearer token (better: env FAILOVER_TOKEN, kept out of shell history; on loopback, .failover/api-token)')
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .option('--no-progress', 'no progress bar: one line per step instead')
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 the operation failed (a run failed or was cancelled, a run is already in progress, the API is unreachable); 2 usage or config error (bad option or input, bad config, token missing or lacking the role).',
    );
  for (const register of [registerStatus, registerPlan, registerDrill, registerFailover, registerFailback, registerApprove, registerCancel, registerRuns, registerRunbooks, registerValidate, registerIamPolicy, registerProvision, registerReadiness, registerDecisions, registerAudit, registerSim]) {
    register(program, ctx);
  }
  return program;
}

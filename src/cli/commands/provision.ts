import type { Command } from 'commander';
import type { ProvisionPlan } from '../../traffic/provision.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { loadLocalConfig } from '../local-config.js';
import { provision } from '../../traffic/provision.js';
import { FailoverError, UserInputError } from '../../errors/errors.js';

/**
 * Provision straight on AWS with the operator's credentials (the standard
 * chain), no controller needed: the deployed API only reads the cloud. No
 * state table here: the plan names the name servers to put in the config.
 */
async function provisionOnAws(ctx: CliContext, file: string, request: { app?: string; apply: boolean }): Promise<ProvisionPlan[]> {
  const config = await loadLocalConfig(ctx, file);
  if (config.provider !== 'aws')
    throw new CliError(
      `--config: ${file} has provider ${config.provider}; the simulated world lives in \`npm start\`: run without --config to provision it through the API`,
      EXIT.usage,
    );
  const apps = config.applications.filter((a) => (request.app === undefined ? a.traffic.mode !== 'records' : a.name === request.app));
  if (request.app !== undefined && apps.length === 0) throw new CliError(`--app: no application "${request.app}" in ${file}`, EXIT.usage);
  const { createAwsProviders } = await import('../../adapters/aws/aws-providers.js');
  const { systemClock } = await import('../../adapters/system-clock.js');
  const aws = createAwsProviders(config, { clock: systemClock });
  try {
    const plans: ProvisionPlan[] = [];
    for (const app of apps) plans.push(await provision(app, { dns: aws.dns, traffic: aws.traffic, now: () => Date.now() }, request.apply));
    return plans;
  } catch (err) {
    // AWS said no (not owned, access denied, a caller reference taken) or did not answer: the message, never a stack trace.
    if (err instanceof FailoverError)
      throw new CliError(`provision: ${err.message}`, err instanceof UserInputError ? EXIT.usage : EXIT.failed);
    throw err;
  } finally {
    aws.clients.destroy();
  }
}

/** `failover provision [--app NAME] [--apply]`: the data-plane switch's alarms, health checks and records, planned or made. */
export function registerProvision(program: Command, ctx: CliContext): void {
  program
    .command('provision')
    .description(
      "set up the data-plane traffic switches (traffic.mode health-checks or routing-control) while Route 53's control plane is healthy: shows what it would create or change; --apply does it (idempotent)",
    )
    .option('--app <name>', 'one application (default: every one with a data-plane switch)')
    .option('--apply', 'create and change what the plan shows (default: only show it)')
    .option('--config <file>', 'provider aws: provision on AWS directly with your credentials, from this config, without the API')
    .action(async (options: { app?: string; apply?: boolean; config?: string }) => {
      const apply = options.apply === true;
      let answer: { applied: boolean; plans: ProvisionPlan[] };
      if (options.config !== undefined) {
        answer = {
          applied: apply,
          plans: await provisionOnAws(ctx, options.config, { apply, ...(options.app !== undefined ? { app: options.app } : {}) }),
        };
      } else {
        const body = { apply, ...(options.app !== undefined ? { app: options.app } : {}) };
        answer = await (await ctx.client()).post<{ applied: boolean; plans: ProvisionPlan[] }>('/traffic/provision', body);
      }
      ctx.emit(answer, () => formatProvision(answer));
      ctx.exitCode = EXIT.ok;
    });
}

/** One line per resource: what it is, what it is now, what it should be, and whether apply changes it. */
export function formatProvision(answer: { applied: boolean; plans: ProvisionPlan[] }): string {
  if (answer.plans.length === 0)
    return 'no application has a data-plane traffic switch (traffic.mode is records for all): nothing to provision';
  const lines: string[] = [];
  for (const plan of answer.plans) {
    const changes = plan.actions.filter((a) => a.change);
    lines.push(
      `${plan.app} (${plan.mode}): ${changes.length === 0 ? 'as provisioned, nothing to change' : `${changes.length} to ${answer.applied ? 'create or change: done where not waiting' : 'create or change'}`}`,
    );
    for (const a of plan.actions) {
      const mark = !a.change ? 'ok     ' : a.waiting ? 'waiting' : answer.applied ? 'done   ' : 'would  ';
      lines.push(`  ${mark} ${a.resource}`);
      if (a.change) lines.push(`          now: ${a.current}`, `          wanted: ${a.desired}`);
      if (a.waiting) lines.push(`          waiting: ${a.waiting}`);
    }
  }
  if (!answer.applied && answer.plans.some((p) => p.actions.some((a) => a.change)))
    lines.push('nothing was changed; run again with --apply to make these changes');
  return lines.join('\n');
}

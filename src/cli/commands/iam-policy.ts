import { type Command, Option } from 'commander';
import { FUNCTION_NAMES, type FunctionName, fillPseudoParameters, functionPolicies, type IamStatement } from '../../deploy/iam-policy.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { loadLocalConfig } from '../local-config.js';

/** Options of `failover iam-policy`. */
interface IamPolicyOptions {
  config?: string;
  service: string;
  stage: string;
  function?: FunctionName;
  region?: string;
  account?: string;
  partition: string;
}

/** An IAM policy document. */
interface PolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

/**
 * `failover iam-policy [--config]`: the least-privilege policy of each
 * function's role, as the stack gets it (src/deploy/iam-policy.ts), named as
 * serverless.yml names the table and functions. With --region and --account
 * the ARNs are written out; otherwise they stay CloudFormation `Fn::Sub`s.
 */
export function registerIamPolicy(program: Command, ctx: CliContext): void {
  program
    .command('iam-policy')
    .description("print the least-privilege IAM policy of each function's role for a configuration (no API needed)")
    .option('--config <file>', 'the configuration (default: FAILOVER_CONFIG, else failover.yaml)')
    .option('--service <name>', 'service name in serverless.yml', 'failover-controller')
    .option('--stage <stage>', "the stack stage (serverless.yml's default, prod, unless you deploy with --stage)", 'prod')
    .addOption(new Option('--function <name>', 'only this function').choices(FUNCTION_NAMES))
    .option('--region <region>', 'write out the ARNs for this region (with --account)')
    .option('--account <id>', 'write out the ARNs for this account (with --region)')
    .option('--partition <partition>', 'AWS partition of the written-out ARNs', 'aws')
    .action(async (options: IamPolicyOptions) => {
      const file = options.config ?? ctx.io.env['FAILOVER_CONFIG'] ?? 'failover.yaml';
      if ((options.region === undefined) !== (options.account === undefined)) {
        throw new CliError('--region and --account go together: both write out the ARNs, neither keeps them as CloudFormation Fn::Sub', EXIT.usage);
      }
      if (options.account !== undefined && !/^\d{12}$/.test(options.account)) throw new CliError(`--account: must be a 12-digit AWS account id, got "${options.account}"`, EXIT.usage);
      const config = await loadLocalConfig(ctx, file);
      if (config.provider !== 'aws') ctx.io.stderr.write(`note: ${file} has provider ${config.provider}; these are the roles its stack would get with provider: aws\n`);
      const prefix = `${options.service}-${options.stage}`;
      const functionNames = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, `${prefix}-${fn}`])) as Record<FunctionName, string>;
      const policies = functionPolicies(config, { tableName: `${prefix}-state`, functionNames });
      // The stack's name as osls names it: service-stage.
      const where = options.region !== undefined && options.account !== undefined ? { region: options.region, accountId: options.account, partition: options.partition, stackName: prefix } : undefined;
      const document = (fn: FunctionName): PolicyDocument => ({ Version: '2012-10-17', Statement: where ? policies[fn].map((s) => ({ ...s, Resource: s.Resource.map((r) => fillPseudoParameters(r, where)) })) : policies[fn] });
      const output = options.function ? document(options.function) : Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, document(fn)]));
      // A policy is JSON for people too: it is meant to be pasted or diffed.
      ctx.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      ctx.exitCode = EXIT.ok;
    });
}


import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/config-error.js';
import { loadConfig } from '../../config/load-config.js';
import type { Config } from '../../config/types.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

/** `failover validate CONFIG`: load and validate a failover.yaml locally, without the API. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check a failover.yaml: every problem with its path (exit 2), or a one-line summary (no API needed)')
    .argument('<config>', 'the configuration file (YAML or JSON)')
    .action(async (file: string) => {
      let config: Config;
      try {
        config = await loadConfig(resolve(ctx.io.cwd, file));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // The loader names the absolute path; the operator typed `file`.
        const problem = new ConfigError(file, err.issues);
        throw new CliError(problem.message, EXIT.usage, { valid: false, source: file, issues: problem.issues });
      }
      const summary = { valid: true, source: file, provider: config.provider, applications: config.applications.map((a) => ({ name: a.name, regions: a.regions.map((r) => r.name) })) };
      ctx.emit(summary, () => `${file}: valid: provider ${config.provider}, ${summarizeApps(config)}`);
      ctx.exitCode = EXIT.ok;
    });
}

/** "1 application: shop (us-east-1 primary, eu-west-1)". */
function summarizeApps(config: Config): string {
  const apps = config.applications.map((a) => `${a.name} (${a.regions.map((r, i) => (i === 0 ? `${r.name} primary` : r.name)).join(', ')})`);
  return `${apps.length} application${apps.length === 1 ? '' : 's'}: ${apps.join('; ')}`;
}

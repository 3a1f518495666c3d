import type { Command } from 'commander';
import { formatIssue } from '../../config/config-error.js';
import { configWarnings } from '../../config/config-warnings.js';
import type { Config } from '../../config/types.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { loadLocalConfig } from '../local-config.js';
import { formatFinding, staticStabilityFindings } from '../../traffic/static-stability.js';

/** `failover validate CONFIG`: load and validate a failover.yaml locally, without the API. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check a failover.yaml: every problem with its path (exit 2), or a one-line summary and any warnings (exit 0; no API needed)')
    .argument('<config>', 'the configuration file (YAML or JSON)')
    .action(async (file: string) => {
      const config = await loadLocalConfig(ctx, file, { valid: false });
      const warnings = configWarnings(config);
      const staticStability = staticStabilityFindings(config);
      const applications = config.applications.map((a) => ({ name: a.name, regions: a.regions.map((r) => r.name), traffic: a.traffic.mode }));
      const summary = { valid: true, source: file, provider: config.provider, applications, warnings, staticStability };
      ctx.emit(summary, () => `${file}: valid: provider ${config.provider}, ${summarizeApps(config)}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
      // Advice, not problems: on stderr like every other diagnostic, and the exit code stays 0 (the config is valid).
      for (const warning of warnings) ctx.io.stderr.write(`warning: ${formatIssue(warning)}\n`);
      // A failover that depends on what the outage may take down: valid, and said loudly all the same.
      for (const finding of staticStability) ctx.io.stderr.write(`static stability: ${formatFinding(finding)}\n`);
      ctx.exitCode = EXIT.ok;
    });
}

/** "1 application: shop (us-east-1 primary, eu-west-1)". */
function summarizeApps(config: Config): string {
  const apps = config.applications.map((a) => `${a.name} (${a.regions.map((r, i) => (i === 0 ? `${r.name} primary` : r.name)).join(', ')})`);
  return `${apps.length} application${apps.length === 1 ? '' : 's'}: ${apps.join('; ')}`;
}

import type { Command } from 'commander';
import { formatIssue } from '../../config/config-error.js';
import { configWarnings } from '../../config/config-warnings.js';
import type { Config } from '../../config/types.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { loadLocalConfig, loadLocalRunbooks } from '../local-config.js';
import type { RunbookCatalog } from '../../runbook/runbook-catalog.js';
import type { Runbook } from '../../runbook/step.js';
import { runbooks } from '../../../runbooks/index.js';
import { treeLines, treeOf, type TreeNode } from '../../runbook/runbook-tree.js';
import { formatFinding, staticStabilityFindings } from '../../traffic/static-stability.js';

/** `failover validate CONFIG`: load and validate a failover.yaml locally, without the API. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check a failover.yaml: every problem with its path (exit 2), or a one-line summary and any warnings (exit 0; no API needed)')
    .argument('<config>', 'the configuration file (YAML or JSON)')
    .action(async (file: string) => {
      const config = await loadLocalConfig(ctx, file, { valid: false });
      const catalog = await loadLocalRunbooks(ctx, file, config);
      const runbooks = ownRunbooks(config, catalog);
      const warnings = configWarnings(config);
      const staticStability = staticStabilityFindings(config);
      const applications = config.applications.map((a) => ({ name: a.name, regions: a.regions.map((r) => r.name), traffic: a.traffic.mode }));
      const summary = { valid: true, source: file, provider: config.provider, applications, runbooks, warnings, staticStability };
      ctx.emit(summary, () => [`${file}: valid: provider ${config.provider}, ${summarizeApps(config)}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`, ...runbookLines(runbooks)].join('\n'));
      // Advice, not problems: on stderr like every other diagnostic, and the exit code stays 0 (the config is valid).
      for (const warning of warnings) ctx.io.stderr.write(`warning: ${formatIssue(warning)}\n`);
      // A failover that depends on what the outage may take down: valid, and said loudly all the same.
      for (const finding of staticStability) ctx.io.stderr.write(`static stability: ${formatFinding(finding)}\n`);
      ctx.exitCode = EXIT.ok;
    });
}

/** Each application's own runbooks (config `runbooks`): which run does what, and each tree. */
function ownRunbooks(config: Config, catalog: RunbookCatalog): { app: string; runs: string; name: string; builtIn: boolean; lines: string[]; tree: TreeNode }[] {
  const builtIn = new Set<Runbook>(Object.values(runbooks));
  return config.applications.flatMap((app) => {
    if (!app.runbooks) return [];
    const uses = (book: Runbook) =>
      [catalog.forKind(app.name, 'failover') === book ? 'failover' : '', catalog.forKind(app.name, 'failback') === book ? 'failback' : '', catalog.namedOf(app.name).includes(book) ? 'by name' : '']
        .filter(Boolean)
        .join(', ');
    return catalog.all(app.name).map((book) => ({ app: app.name, runs: uses(book), name: book.name, builtIn: builtIn.has(book), lines: treeLines(book), tree: treeOf(book.root) }));
  });
}

function runbookLines(runbooks: ReturnType<typeof ownRunbooks>): string[] {
  return runbooks.flatMap((r) => ['', `${r.app} runs ${r.name} (${r.runs}${r.builtIn ? ', built-in' : ''}): ${r.lines[0]!.slice(r.name.length + 2)}`, ...r.lines.slice(1)]);
}

/** "1 application: shop (us-east-1 primary, eu-west-1)". */
function summarizeApps(config: Config): string {
  const apps = config.applications.map((a) => `${a.name} (${a.regions.map((r, i) => (i === 0 ? `${r.name} primary` : r.name)).join(', ')})`);
  return `${apps.length} application${apps.length === 1 ? '' : 's'}: ${apps.join('; ')}`;
}

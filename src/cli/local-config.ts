import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import type { Config } from '../config/types.js';
import type { RunbookCatalog } from '../runbook/runbook-catalog.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';

/**
 * Load a config file for a command that works locally (validate,
 * iam-policy). A config that does not load is a usage error (exit 2) that
 * names every problem with its path, and the file as the operator typed it
 * (the loader names the absolute path). `details` go into the --json error.
 */
export async function loadLocalConfig(ctx: CliContext, file: string, details: Record<string, unknown> = {}): Promise<Config> {
  // Loaded here, not with the CLI: the schema and the YAML parser take a good part of a second, which the commands that talk to the API never need.
  const { loadConfig } = await import('../config/load-config.js');
  try {
    return await loadConfig(resolve(ctx.io.cwd, file));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problem = new ConfigError(file, err.issues);
    throw new CliError(problem.message, EXIT.usage, { ...details, source: file, issues: problem.issues });
  }
}

/**
 * Load the applications' own runbooks the config names, and lint them: a
 * module that does not load, a name it does not export, or a runbook the
 * plan lint refuses is a usage error (exit 2) naming the field.
 */
export async function loadLocalRunbooks(ctx: CliContext, file: string, config: Config): Promise<RunbookCatalog> {
  const [{ runbooks }, { loadRunbookCatalog }] = await Promise.all([import('../../runbooks/index.js'), import('../runbook/load-runbooks.js')]);
  try {
    return await loadRunbookCatalog(config, runbooks);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problem = new ConfigError(file, err.issues);
    throw new CliError(problem.message, EXIT.usage, { valid: false, source: file, issues: problem.issues });
  }
}

import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigIssue } from '../config/config-error.js';
import type { Config } from '../config/types.js';
import { bundledRunbookModules } from './bundled-runbooks.js';
import { lintRunbooks } from './plan-lint.js';
import { type AppRunbooks, type MoveKind, RunbookCatalog } from './runbook-catalog.js';
import { flattenSteps, type Runbook } from './step.js';

/** Where the modules come from: the bundle's, else imported from disk. */
export interface RunbookModuleSource {
  bundled?: Record<string, Record<string, unknown>>;
  /** Import a module by absolute path (default: dynamic import). */
  importModule?: (path: string) => Promise<Record<string, unknown>>;
}

/**
 * Load each application's own runbooks (config `applications[].runbooks`)
 * and check them: the names the config gives must be runbooks the module
 * exports, and the runbooks must pass the plan lint (plan-lint.ts). Every
 * problem is a ConfigError naming the field, as a bad config is: a runbook
 * that promotes without an RPO gate must not start, any more than a config
 * without a region.
 */
export async function loadRunbookCatalog(config: Config, builtIn: Record<MoveKind, Runbook>, source: RunbookModuleSource = {}): Promise<RunbookCatalog> {
  const bundled = source.bundled ?? bundledRunbookModules;
  const importModule = source.importModule ?? ((path: string) => import(pathToFileURL(path).href) as Promise<Record<string, unknown>>);
  const issues: ConfigIssue[] = [];
  const own = new Map<string, Partial<AppRunbooks>>();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  for (const [i, app] of config.applications.entries()) {
    const spec = app.runbooks;
    if (!spec) continue;
    const field = `applications[${i}].runbooks`;
    let exported: Runbook[];
    try {
      const loading = modules.get(spec.module) ?? (bundled[spec.module] ? Promise.resolve(bundled[spec.module]!) : importModule(spec.module));
      modules.set(spec.module, loading);
      exported = runbooksOf(await loading);
    } catch (err) {
      issues.push({ path: `${field}.module`, message: `${spec.module} did not load: ${firstLine(err)}` });
      continue;
    }
    if (exported.length === 0) {
      issues.push({ path: `${field}.module`, message: `${spec.module} exports no runbook; export the values runbook(...) returns` });
      continue;
    }
    // A run records its runbook by name and resumes by it: two runbooks of one name (or one named like a built-in) would be one run's two.
    const builtInNames = new Set(Object.values(builtIn).map((b) => b.name));
    const clash = exported.find((b, j) => exported.findIndex((o) => o.name === b.name) !== j) ?? exported.find((b) => builtInNames.has(b.name));
    if (clash) {
      const what = builtInNames.has(clash.name) ? 'is the name of a built-in runbook' : 'is the name of two of its runbooks';
      issues.push({ path: `${field}.module`, message: `${spec.module}: "${clash.name}" ${what}; give each runbook a name of its own` });
      continue;
    }
    const byName = new Map(exported.map((b) => [b.name, b]));
    const pick = (name: string, at: string): Runbook | undefined => {
      const book = byName.get(name);
      if (!book) issues.push({ path: `${field}.${at}`, message: `${spec.module} exports no runbook named "${name}"; it exports: ${[...byName.keys()].join(', ')}` });
      return book;
    };
    const failover = spec.failover !== undefined ? pick(spec.failover, 'failover') : undefined;
    const failback = spec.failback !== undefined ? pick(spec.failback, 'failback') : undefined;
    const named = spec.named
      ? spec.named.flatMap((name, j) => pick(name, `named[${j}]`) ?? [])
      : exported.filter((b) => b !== failover && b !== failback);
    own.set(app.name, { ...(failover ? { failover } : {}), ...(failback ? { failback } : {}), named });
  }
  if (issues.length === 0) {
    const catalog = new RunbookCatalog(builtIn, own);
    config.applications.forEach((app, i) => {
      if (!app.runbooks) return;
      for (const finding of lintRunbooks(catalog.all(app.name))) issues.push({ path: `applications[${i}].runbooks`, message: `runbook ${finding.runbook}: ${finding.message}` });
      for (const book of catalog.namedOf(app.name)) {
        const moves = flattenSteps(book.root).find((s) => s.role?.kind === 'promotion' || s.role?.kind === 'traffic');
        // Runs by name pass no pre-flight gate and start no cooldown: what moves the writer or traffic belongs to the gated runs.
        if (moves) issues.push({ path: `applications[${i}].runbooks`, message: `runbook ${book.name} is run by name, and its step "${moves.id}" ${moves.role!.kind === 'traffic' ? 'moves traffic' : 'promotes a writer'}: make it the application's failover or failback runbook, whose runs pass the pre-flight gates` });
      }
    });
    if (issues.length === 0) return catalog;
  }
  throw new ConfigError('runbooks', issues);
}

/** The runbooks among a module's exports (each export, or the items of an exported array or object). */
function runbooksOf(exports: Record<string, unknown>): Runbook[] {
  const found: Runbook[] = [];
  const visit = (value: unknown, depth: number) => {
    if (isRunbook(value)) found.push(value);
    else if (depth > 0 && Array.isArray(value)) value.forEach((v) => visit(v, depth - 1));
    else if (depth > 0 && value !== null && typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth - 1));
  };
  Object.values(exports).forEach((v) => visit(v, 1));
  return [...new Set(found)];
}

function isRunbook(value: unknown): value is Runbook {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Runbook>;
  return typeof v.name === 'string' && typeof v.title === 'string' && typeof v.root === 'object' && v.root !== null && 'kind' in v.root;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

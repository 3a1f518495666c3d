import { NotFoundError } from '../errors/errors.js';
import type { RunRecord } from './run.js';
import type { Runbook } from './step.js';

/** The kinds of run that move the application: each has a runbook per application. */
export type MoveKind = 'failover' | 'failback';

/** The runbooks of one application: the ones its moves run, and the ones operators run by name. */
export interface AppRunbooks {
  failover: Runbook;
  failback: Runbook;
  named: Runbook[];
}

/**
 * Which runbook each application runs: its own (config `runbooks`), or the
 * built-in ones. A run is resumed with the runbook it recorded by name, so
 * that a resumed run never switches runbooks under its journal.
 */
export class RunbookCatalog {
  constructor(
    private readonly builtIn: Record<MoveKind, Runbook>,
    private readonly own: ReadonlyMap<string, Partial<AppRunbooks>> = new Map(),
  ) {}

  /** The catalog of `runbooks`, which may be one already or the built-in pair. */
  static of(runbooks: RunbookCatalog | Record<MoveKind, Runbook>): RunbookCatalog {
    return runbooks instanceof RunbookCatalog ? runbooks : new RunbookCatalog(runbooks);
  }

  /** The runbook `app`'s failovers or failbacks run. */
  forKind(app: string, kind: MoveKind): Runbook {
    return this.own.get(app)?.[kind] ?? this.builtIn[kind];
  }

  /** The runbooks `app`'s operators may run by name. */
  namedOf(app: string): Runbook[] {
    return this.own.get(app)?.named ?? [];
  }

  /** One of `app`'s named runbooks; an unknown name is a NotFoundError listing the known ones. */
  named(app: string, name: string): Runbook {
    const found = this.namedOf(app).find((b) => b.name === name);
    if (found) return found;
    const known = this.namedOf(app).map((b) => b.name);
    throw new NotFoundError(`application ${app} has no runbook named "${name}"; ${known.length > 0 ? `it has: ${known.join(', ')}` : 'it names none (config: applications[].runbooks)'}`);
  }

  /** Every runbook `app` may run: its moves' and its named ones, each once. */
  all(app: string): Runbook[] {
    return [...new Set([this.forKind(app, 'failover'), this.forKind(app, 'failback'), ...this.namedOf(app)])];
  }

  /** The runbook `run` executes: the one it recorded by name (a NotFoundError when the application has it no more). */
  forRun(run: Pick<RunRecord, 'app' | 'kind' | 'runbook'>): Runbook {
    // By its kind first; the built-in one too: a run started before the config named runbooks of its own resumes with its own.
    const candidates = run.kind === 'runbook' ? this.namedOf(run.app) : [this.forKind(run.app, run.kind), this.builtIn[run.kind]];
    const recorded = candidates.find((b) => b.name === run.runbook);
    if (recorded) return recorded;
    // Never another runbook under this one's journal: its step ids would not match.
    throw new NotFoundError(
      `run of ${run.app} recorded runbook "${run.runbook}", which the application does not have any more (config: applications[].runbooks): restore it to go on with the run, or cancel the run`,
    );
  }
}

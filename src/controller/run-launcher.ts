import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/types.js';
import { RunInProgressError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { Lease, StateStore } from '../ports/state-store.js';
import { type ExecuteOptions, pendingSteps, RunbookEngine } from '../runbook/engine.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import type { Runbook } from '../runbook/step.js';
import { retryingProviders } from '../runbook/retrying-providers.js';
import { findRegion } from './app-lookup.js';

/** What is needed to launch a run. */
export interface LaunchRequest {
  app: AppConfig;
  kind: RunKind;
  from: string;
  to: string;
  trigger: RunRecord['trigger'];
  reason: string;
  outageStartedAt?: number;
}

/** Dependencies of the launcher. */
export interface RunLauncherDeps {
  store: StateStore;
  clock: Clock;
  cloud: CloudProviders;
  prober: Prober;
  log: Logger;
  runbooks: Record<RunKind, Runbook>;
  engine?: RunbookEngine;
  /** How long a run may hold its application before another worker may take over. */
  leaseTtlMs?: number;
  /** Called when a run ends, whatever its outcome. */
  onFinished?: (run: RunRecord) => Promise<void>;
}

/**
 * Starts runs under the single-flight rule: one run per application, held by
 * a lease whose owner is the run id, so that a second trigger learns which
 * run is in progress. Runs execute in the background; `settled()` waits.
 */
export class RunLauncher {
  private readonly engine: RunbookEngine;
  private readonly inflight = new Map<string, Promise<RunRecord>>();

  private readonly cloud: CloudProviders;

  constructor(private readonly deps: RunLauncherDeps) {
    this.engine = deps.engine ?? new RunbookEngine({ store: deps.store, clock: deps.clock, log: deps.log });
    this.cloud = retryingProviders(deps.cloud, { clock: deps.clock, random: Math.random });
  }

  /** Start a run, or throw RunInProgressError naming the run that holds the application. */
  async launch(request: LaunchRequest): Promise<RunRecord> {
    const { app, kind } = request;
    const clock = this.deps.clock;
    const now = clock.now();
    const id = newRunId(now);
    const ttl = this.deps.leaseTtlMs ?? 2 * 60 * 60_000;
    const result = await this.deps.store.acquireLease(leaseName(app.name), id, ttl, now);
    if (!result.acquired) throw new RunInProgressError(app.name, result.holder.owner);
    const book = this.deps.runbooks[kind];
    const run: RunRecord = {
      id,
      app: app.name,
      kind,
      runbook: book.name,
      from: request.from,
      to: request.to,
      trigger: request.trigger,
      reason: request.reason,
      status: 'running',
      createdAt: now,
      steps: pendingSteps(book),
      ...(request.outageStartedAt !== undefined ? { outageStartedAt: request.outageStartedAt } : {}),
    };
    await this.deps.store.putRun(run);
    this.start(run, app, result.lease, {});
    return structuredClone(run);
  }

  /**
   * Continue a run that is still `running` in the store (its process died, or
   * a Lambda invocation paused it) from its journal. Returns false when
   * another worker holds it or it already runs here.
   */
  async resume(run: RunRecord, app: AppConfig, options: ExecuteOptions = {}): Promise<boolean> {
    if (this.inflight.has(run.id) || run.status !== 'running') return false;
    const ttl = this.deps.leaseTtlMs ?? 2 * 60 * 60_000;
    // The lease's owner is the run id: whoever continues the run takes it over, with a new fencing token.
    const result = await this.deps.store.acquireLease(leaseName(app.name), run.id, ttl, this.deps.clock.now());
    if (!result.acquired) return false;
    this.start(run, app, result.lease, options);
    return true;
  }

  private start(run: RunRecord, app: AppConfig, lease: Lease, options: ExecuteOptions): void {
    const context = { app, from: findRegion(app, run.from, 'from'), to: findRegion(app, run.to), cloud: this.cloud, prober: this.deps.prober, clock: this.deps.clock };
    const execution = this.engine
      .execute(run, this.deps.runbooks[run.kind], context, { ...options, fence: { lease: lease.name, token: lease.token } })
      .then(async (after) => {
        // A paused run keeps its lease: it is not over, and nothing else may start meanwhile.
        if (after.status !== 'running') {
          await this.deps.store.releaseLease(lease);
          await this.deps.onFinished?.(after);
        }
        return after;
      })
      .finally(() => this.inflight.delete(run.id));
    this.inflight.set(run.id, execution);
  }

  /** The execution of a run started here, to wait for it. */
  execution(runId: string): Promise<RunRecord> | undefined {
    return this.inflight.get(runId);
  }

  /** Ids of the runs executing in this process. */
  running(): string[] {
    return [...this.inflight.keys()];
  }

  /** Wait until every run started so far has ended. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }
}

/** The lease that keeps an application to one run at a time. */
export function leaseName(app: string): string {
  return `app#${app}`;
}

/** Sortable and unique: `run-20261124T051502Z-3f9a1c2b`. */
function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(4).toString('hex')}`;
}

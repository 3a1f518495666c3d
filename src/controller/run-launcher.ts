import type { RunbookCatalog } from '../runbook/runbook-catalog.js';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/types.js';
import { RunInProgressError, UserInputError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunDispatcher } from '../ports/run-dispatcher.js';
import type { Lease, StateStore } from '../ports/state-store.js';
import { type ExecuteOptions, pendingSteps, RunbookEngine } from '../runbook/engine.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import { retryingProviders } from '../runbook/retrying-providers.js';
import { findRegion } from './app-lookup.js';
import { createdAfter } from '../ports/record-order.js';

/** What is needed to launch a run. */
export interface LaunchRequest {
  app: AppConfig;
  kind: RunKind;
  from: string;
  to: string;
  trigger: RunRecord['trigger'];
  reason: string;
  outageStartedAt?: number;
  /** The authenticated caller who asked for a manual run. */
  startedBy?: string;
  /** An operator's break-glass for a routing-control switch (RunRecord.breakGlass). */
  breakGlass?: RunRecord['breakGlass'];
  /** The operator forced it past its pre-flight gate (RunRecord.forced). */
  forced?: RunRecord['forced'];
  /** The game day the run belongs to (RunRecord.drillId). */
  drillId?: string;
  /** For kind `runbook`: the named runbook of the application to run. */
  runbook?: string;
}

/** Dependencies of the launcher. */
export interface RunLauncherDeps {
  store: StateStore;
  clock: Clock;
  cloud: CloudProviders;
  prober: Prober;
  log: Logger;
  runbooks: RunbookCatalog;
  /** How long a run may hold its application before another worker may take over. */
  leaseTtlMs?: number;
  /**
   * Called when a run ends, whatever its outcome: one executed here, or one
   * handed off and followed in the store (`followed`), whose executor
   * reports it too.
   */
  onFinished?: (run: RunRecord, how: { followed: boolean }) => Promise<void>;
  /** Called when a run is created, and after every save of a run record executing here (the engine's `onRunSaved`). */
  onRunSaved?: (run: RunRecord) => void;
  /** Where runs execute; default: every run, in this process. */
  placement?: RunPlacement;
  /** The regions whose votes this process casts in a health-checks switch (voter-regions.ts). */
  voterRegions?: string[];
}

/**
 * Where the runs of a launcher execute. The default executes every run in
 * this process. On AWS each regional stack only executes runs into its own
 * region (`region`), and the probe and API functions only create runs and
 * hand them to the runbook worker (`handoff`).
 */
export interface RunPlacement {
  /**
   * The region of this stack: runs into another region are neither launched
   * nor resumed here (a failover into a region is executed by the stack in
   * that region, which is alive to do it).
   */
  region?: string;
  /** Create runs without executing them here: store the run, then hand it to a worker. */
  handoff?: RunHandoff;
}

/** How a launcher hands the runs it creates to a worker. */
export interface RunHandoff {
  dispatcher: RunDispatcher;
  /**
   * Follow a handed-off run in the store (every `pollMs`) until it ends, so
   * that `onFinished` runs here too, or until `signal` aborts (the Lambda
   * invocation is about to end; the run stays with the worker). Without it
   * the launcher forgets the run once it is handed off.
   */
  follow?: { signal: AbortSignal; pollMs: number };
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
  private readonly placement: RunPlacement;

  constructor(private readonly deps: RunLauncherDeps) {
    this.engine = new RunbookEngine({ store: deps.store, clock: deps.clock, log: deps.log, ...(deps.onRunSaved ? { onRunSaved: deps.onRunSaved } : {}) });
    this.cloud = retryingProviders(deps.cloud, { clock: deps.clock, random: Math.random });
    this.placement = deps.placement ?? {};
  }

  /** Start a run, or throw RunInProgressError naming the run that holds the application. */
  async launch(request: LaunchRequest): Promise<RunRecord> {
    const { app, kind } = request;
    this.refuseElsewhere(kind, request.to);
    const clock = this.deps.clock;
    const now = clock.now();
    const id = newRunId(now);
    const ttl = this.deps.leaseTtlMs ?? 2 * 60 * 60_000;
    const result = await this.deps.store.acquireLease(leaseName(app.name), id, ttl, now);
    if (!result.acquired) throw new RunInProgressError(app.name, result.holder.owner);
    // Read under the lease: the new run must list as the app's newest, even when the last one ended this millisecond.
    const [previous] = await this.deps.store.listRuns({ app: app.name, limit: 1 });
    const book = kind === 'runbook' ? this.deps.runbooks.named(app.name, request.runbook ?? '') : this.deps.runbooks.forKind(app.name, kind);
    const run: RunRecord = {
      id,
      app: app.name,
      kind,
      runbook: book.name,
      from: request.from,
      to: request.to,
      trigger: request.trigger,
      reason: request.reason,
      ...(request.startedBy !== undefined ? { startedBy: request.startedBy } : {}),
      status: 'running',
      createdAt: createdAfter(now, previous?.createdAt),
      steps: pendingSteps(book),
      ...(request.outageStartedAt !== undefined ? { outageStartedAt: request.outageStartedAt } : {}),
      ...(request.breakGlass ? { breakGlass: request.breakGlass } : {}),
      ...(request.forced ? { forced: request.forced } : {}),
      ...(request.drillId !== undefined ? { drillId: request.drillId } : {}),
    };
    await this.deps.store.putRun(run);
    this.deps.onRunSaved?.(run);
    const handoff = this.placement.handoff;
    if (handoff) await this.handOff(run, handoff);
    else this.start(run, app, result.lease, {});
    return structuredClone(run);
  }

  /** Execute the run with the runbook it recorded; one whose runbook left the configuration ends as failed, with attention. */
  private executeOrAbandon(run: RunRecord, context: Parameters<RunbookEngine['execute']>[2], options: ExecuteOptions): Promise<RunRecord> {
    let book;
    try {
      book = this.deps.runbooks.forRun(run);
    } catch (err) {
      return this.engine.abandon(run, err instanceof Error ? err.message : String(err), options);
    }
    return this.engine.execute(run, book, context, options);
  }

  /** Refuse (UserInputError) a run this stack does not execute: one into another stack's region. */
  refuseElsewhere(kind: RunKind, to: string): void {
    const region = this.placement.region;
    if (region !== undefined && to !== region) {
      throw new UserInputError(
        `to: a ${kind} into ${to} is executed by the failover-controller stack in ${to}, and this one runs in ${region}: ask the ${to} stack (its API, or its own probes decide)`,
      );
    }
  }

  /**
   * Continue a run that is still `running` in the store (its process died, or
   * a Lambda invocation paused it) from its journal. Returns false when
   * another worker holds it or it already runs here.
   */
  async resume(run: RunRecord, app: AppConfig, options: ExecuteOptions = {}): Promise<boolean> {
    if (this.inflight.has(run.id) || run.status !== 'running') return false;
    // Another region's run is that region's stack's to execute; taking its lease here would fence that worker off.
    if (this.placement.region !== undefined && run.to !== this.placement.region) return false;
    const ttl = this.deps.leaseTtlMs ?? 2 * 60 * 60_000;
    // The lease's owner is the run id: whoever continues the run takes it over, with a new fencing token.
    const result = await this.deps.store.acquireLease(leaseName(app.name), run.id, ttl, this.deps.clock.now());
    if (!result.acquired) return false;
    this.start(run, app, result.lease, options);
    return true;
  }

  private start(run: RunRecord, app: AppConfig, lease: Lease, options: ExecuteOptions): void {
    const context = { app, from: findRegion(app, run.from, 'from'), to: findRegion(app, run.to), cloud: this.cloud, fences: this.deps.store, prober: this.deps.prober, clock: this.deps.clock,
      traffic: { store: this.deps.store, voterRegions: this.deps.voterRegions ?? [] },
    };
    const fenced = { ...options, fence: { lease: lease.name, token: lease.token } };
    const execution = this.executeOrAbandon(run, context, fenced)
      .then(async (after) => {
        // A paused run keeps its lease: it is not over, and nothing else may start meanwhile.
        if (after.status !== 'running') {
          // Record the outcome (active region, cooldown) before anyone else may start a run on stale facts.
          await this.deps.onFinished?.(after, { followed: false });
          await this.deps.store.releaseLease(lease);
        }
        return after;
      })
      .catch((err: unknown) => {
        // The run stays `running` in the store and resumes from its journal (next start or schedule); never an unhandled rejection.
        this.deps.log.error({ runId: run.id, err: String(err) }, 'run execution stopped on an error: it will be resumed from its journal');
        return run;
      })
      .finally(() => this.inflight.delete(run.id));
    this.inflight.set(run.id, execution);
  }

  /**
   * Hand a stored run to the worker. The dispatch is awaited (a Lambda
   * function may be frozen as soon as it answers); a failed dispatch is only
   * logged, since the worker's schedule finds every running run of its
   * region anyway. The lease stays with the run: the worker takes it over
   * (same owner, the run id) and releases it when the run ends.
   */
  private async handOff(run: RunRecord, handoff: RunHandoff): Promise<void> {
    const log = this.deps.log.child({ runId: run.id, app: run.app });
    try {
      await handoff.dispatcher.dispatch(run);
      log.info({ to: run.to }, 'run handed to the runbook worker');
    } catch (err) {
      log.warn({ err: String(err) }, 'could not hand the run to the runbook worker; its schedule picks it up within a minute');
    }
    if (!handoff.follow) return;
    const follow = handoff.follow;
    const watching = this.follow(run, follow)
      .then(async (after) => {
        if (after.status !== 'running') await this.deps.onFinished?.(after, { followed: true });
        return after;
      })
      .finally(() => this.inflight.delete(run.id));
    this.inflight.set(run.id, watching);
  }

  /** Read the run from the store until it has ended or the follower is told to stop. */
  private async follow(run: RunRecord, options: { signal: AbortSignal; pollMs: number }): Promise<RunRecord> {
    let latest = run;
    while (!options.signal.aborted) {
      await this.deps.clock.sleep(options.pollMs, options.signal).catch(() => undefined);
      try {
        latest = (await this.deps.store.getRun(run.id)) ?? latest;
      } catch (err) {
        // Only a read: the worker goes on regardless, and the next poll tries again.
        this.deps.log.warn({ runId: run.id, err: String(err) }, 'could not read the handed-off run');
      }
      if (latest.status !== 'running') return latest;
    }
    return latest;
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

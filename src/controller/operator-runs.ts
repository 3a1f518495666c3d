import type { RunbookCatalog } from '../runbook/runbook-catalog.js';
import { flattenSteps } from '../runbook/step.js';
import type { AppConfig } from '../config/types.js';
import { ConflictError, UserInputError } from '../errors/errors.js';
import type { RegionHealth } from '../health/region-health.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import { databaseLabel } from '../runbook/steps/side.js';
import { findApp, findRegion } from './app-lookup.js';
import type { ControllerDeps } from './controller.js';
import { failoverRefusal } from './failover-target.js';
import { planRun, type RunPlan } from './planner.js';
import type { PreflightGate } from './preflight-gate.js';
import type { LaunchRequest } from './run-launcher.js';

/** An operator's manual failover; `by`, the authenticated caller, is recorded as the run's `startedBy`. */
export interface FailoverRequest {
  app?: string;
  to: string;
  reason: string;
  by: string;
  /** Break-glass of a routing-control switch (RunRecord.breakGlass). */
  safetyRulesToOverride?: string[];
  /** The game day that asks (RunRecord.drillId). */
  drillId?: string;
  /** Past the pre-flight gate, recorded (RunRecord.forced). */
  force?: boolean;
}

/** An operator's failback to the primary; fields as for a failover. */
export type FailbackRequest = Pick<FailoverRequest, 'app' | 'reason' | 'by' | 'drillId' | 'force'>;

/** An operator's run of one of the application's named runbooks (config `runbooks.named`). */
export interface NamedRunRequest {
  app?: string;
  runbook: string;
  /** The region the run acts towards (the steps' `to` side); default: the first region that is not the active one. */
  to?: string;
  reason: string;
  by: string;
  drillId?: string;
}

/** What operators' runs need of the controller. */
export interface OperatorRunsDeps {
  controller: ControllerDeps;
  runbooks: RunbookCatalog;
  /** The cloud's reads, retried like a run's (a throttled describe must not refuse a failover). */
  reads: CloudProviders;
  preflight: PreflightGate;
  /** The controller's current view of an application. */
  view(app: string): { app: AppConfig; activeRegion: string; health: Record<string, RegionHealth> };
  /** RunInProgressError while a run holds the app. */
  refuseWhileRunning(app: string): Promise<void>;
  /** UserInputError for a run this stack does not execute. */
  refuseElsewhere(kind: RunKind, to: string): void;
  launch(request: LaunchRequest): Promise<RunRecord>;
}

/**
 * The operator's levers, each behind the refusals that keep it safe: a run
 * in progress, an unprovisioned switch, a second writer (never
 * overridable), another stack's region, and the pre-flight gate
 * (overridable with `force`). And the dry run, which shows every one of
 * them without changing anything.
 */
export class OperatorRuns {
  constructor(private readonly deps: OperatorRunsDeps) {}

  /** Fail over `app` to `to` now. */
  async failover(request: FailoverRequest): Promise<RunRecord> {
    const app = findApp(this.deps.controller.config, request.app);
    findRegion(app, request.to);
    const rules = request.safetyRulesToOverride ?? [];
    if (rules.length > 0 && app.traffic.mode !== 'routing-control') {
      throw new UserInputError(`safetyRulesToOverride: ${app.name} switches traffic by ${app.traffic.mode}, not ARC routing controls: there are no safety rules to override`);
    }
    const view = this.deps.view(app.name);
    await this.deps.refuseWhileRunning(app.name);
    if (request.to === view.activeRegion) throw new UserInputError(`to: ${request.to} is already the active region of ${app.name}`);
    const refusal = (await this.switchRefusal(app)) ?? (await this.targetRefusal(app, view.activeRegion, request.to, this.deps.reads));
    if (refusal) throw new ConflictError(`to: ${refusal}`);
    this.deps.refuseElsewhere('failover', request.to);
    const forced = await this.gate(app.name, 'failover', request.to, request);
    // Failing over from a region that is failing: the RPO guard weighs what was published before the outage began, as for an automatic failover.
    const failingSince = view.health[view.activeRegion]?.failingSince;
    return this.deps.launch({
      app,
      kind: 'failover',
      from: view.activeRegion,
      to: request.to,
      trigger: 'manual',
      reason: request.reason,
      startedBy: request.by,
      ...(failingSince !== undefined ? { outageStartedAt: failingSince } : {}),
      ...(rules.length > 0 ? { breakGlass: { safetyRulesToOverride: rules, by: request.by } } : {}),
      ...(request.drillId !== undefined ? { drillId: request.drillId } : {}),
      ...(forced ? { forced } : {}),
    });
  }

  /**
   * Run one of `app`'s named runbooks now. Its steps see the active region
   * as `from` and `to` as `to`. No pre-flight gate: what a named runbook
   * does is the application's own (drain queues, flip flags); its steps
   * carry their own checks. One run at a time per application, as always.
   */
  async runNamed(request: NamedRunRequest): Promise<RunRecord> {
    const app = findApp(this.deps.controller.config, request.app);
    const book = this.deps.runbooks.named(app.name, request.runbook);
    const view = this.deps.view(app.name);
    const to = request.to ?? app.regions.find((r) => r.name !== view.activeRegion)!.name;
    findRegion(app, to);
    await this.deps.refuseWhileRunning(app.name);
    this.deps.refuseElsewhere('runbook', to);
    return this.deps.launch({
      app,
      kind: 'runbook',
      runbook: book.name,
      from: view.activeRegion,
      to,
      trigger: 'manual',
      reason: request.reason,
      startedBy: request.by,
      ...(request.drillId !== undefined ? { drillId: request.drillId } : {}),
    });
  }

  /** Return `app` to its primary region. */
  async failback(request: FailbackRequest): Promise<RunRecord> {
    const app = findApp(this.deps.controller.config, request.app);
    const view = this.deps.view(app.name);
    await this.deps.refuseWhileRunning(app.name);
    const primary = app.regions[0]!.name;
    if (view.activeRegion === primary) throw new UserInputError(`app: ${app.name} already runs in its primary region ${primary}; there is nothing to fail back`);
    const unprovisioned = await this.switchRefusal(app);
    if (unprovisioned) throw new ConflictError(unprovisioned);
    this.deps.refuseElsewhere('failback', primary);
    const forced = await this.gate(app.name, 'failback', primary, request);
    return this.deps.launch({
      app,
      kind: 'failback',
      from: view.activeRegion,
      to: primary,
      trigger: 'manual',
      reason: request.reason,
      startedBy: request.by,
      ...(request.drillId !== undefined ? { drillId: request.drillId } : {}),
      ...(forced ? { forced } : {}),
    });
  }

  /**
   * A dry run of a failover (to `to`, default the first standby), a failback,
   * or a named runbook (`runbook`, from the active region to `to`, default
   * the first standby). Changes nothing.
   */
  async plan(request: { app?: string; kind: RunKind; to?: string; runbook?: string }): Promise<RunPlan> {
    const { controller } = this.deps;
    const app = findApp(controller.config, request.app);
    const view = this.deps.view(app.name);
    const from = view.activeRegion;
    const to = request.kind === 'failback' ? app.regions[0]!.name : (request.to ?? app.regions.find((r) => r.name !== from)!.name);
    findRegion(app, to);
    if (to === from && request.kind === 'failback') {
      // No `to` was given: a failback's target is always the primary.
      throw new UserInputError(`kind: failback returns ${app.name} to its primary region ${to}, which is already the active region: there is nothing to fail back`);
    }
    if (to === from && request.kind !== 'runbook') throw new UserInputError(`to: ${to} is already the active region of ${app.name}`);
    const book = request.kind === 'runbook' ? this.deps.runbooks.named(app.name, request.runbook ?? '') : this.deps.runbooks.forKind(app.name, request.kind);
    const history = await controller.store.listRuns({ app: app.name, limit: 20 });
    const move = request.kind === 'runbook' ? undefined : request.kind;
    // The same refusals a run would meet, so that a dry run never promises what the API will refuse. Read in the same
    // turn as the plan's own reads (one batch through the Lambda reader) and not retried: a plan shows what it could read.
    const [plan, refusal, gate] = await Promise.all([
      planRun(book, { app, kind: request.kind, from, to }, controller, history),
      move === 'failover' ? this.targetRefusal(app, from, to, controller.cloud).catch((err: unknown) => `the database in ${to} could not be read to check it: ${String(err)}`) : undefined,
      move ? this.deps.preflight.preview({ view: { app, activeRegion: from, health: view.health }, kind: move, to }, controller.cloud) : {},
    ]);
    const unprovisioned = move ? await this.switchRefusal(app) : undefined;
    // What the loss of `from` may take down matters to a runbook that moves traffic; a named one that does not is not on that path.
    const movesTraffic = move !== undefined || flattenSteps(book.root).some((s) => s.role?.kind === 'traffic');
    const readied = { ...plan, ...gate, ...(movesTraffic ? {} : { staticStability: [] }) };
    if (unprovisioned) return { ...readied, refusal: unprovisioned };
    return refusal ? { ...readied, refusal } : readied;
  }

  /** The pre-flight gate of a run of `app` into `to` (preflight-gate.ts); what a force overrode. */
  gate(app: string, kind: 'failover' | 'failback', to: string, request: { reason: string; by: string; force?: boolean }): Promise<RunRecord['forced'] | undefined> {
    const { app: config, activeRegion, health } = this.deps.view(app);
    const force = request.force ? { force: { by: request.by, reason: request.reason } } : {};
    return this.deps.preflight.check({ view: { app: config, activeRegion, health }, kind, to, ...force }, this.deps.reads);
  }

  /** Why no run may move this app's traffic yet: a data-plane switch that was never provisioned has nothing to verify against. */
  private async switchRefusal(app: AppConfig): Promise<string | undefined> {
    if (app.traffic.mode === 'records' || app.traffic.nameServers) return undefined;
    if (await this.deps.controller.store.getTrafficSetup(app.name)) return undefined;
    return `the ${app.traffic.mode} traffic switch of ${app.name} is not provisioned (no name servers to verify a switch against): run \`failover provision --apply\` first, or set traffic.nameServers`;
  }

  /** Why a failover into `to` must not start (two writers), read from the database there and the newest run. */
  private async targetRefusal(app: AppConfig, activeRegion: string, to: string, cloud: CloudProviders): Promise<string | undefined> {
    const region = findRegion(app, to);
    const [database, [latestRun]] = await Promise.all([cloud.database.describe(region.database), this.deps.controller.store.listRuns({ app: app.name, limit: 1 })]);
    return failoverRefusal({ app: app.name, to, activeRegion, database, label: databaseLabel(region), ...(latestRun ? { latestRun } : {}) });
  }
}

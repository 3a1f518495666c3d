import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { Notification } from '../ports/notifier.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';
import { bounded } from '../readiness/bounded.js';
import { endpointCheck } from '../readiness/endpoint-readiness.js';
import { type AppView, readDrift, readinessChecks, WORLD_READ_DEADLINE_MS, type WorldReadDeps } from '../readiness/evaluate-world.js';
import type { DriftFinding, ReadinessCheck, WorldReport } from '../readiness/world-report.js';
import { permissionChecks, type RunbookPermissions } from '../readiness/permission-readiness.js';

/** How often the readiness checks are evaluated by default: every few minutes (ARC Region switch: every 30). */
export const READINESS_EVERY_MS = 5 * 60_000;

/** How often the role's permissions are simulated: they change with a deploy or an SCP, rarely; one call per policy statement. */
export const PERMISSIONS_EVERY_MS = 30 * 60_000;

/** How long the whole simulation may take (its calls go one after another to IAM). */
const PERMISSIONS_DEADLINE_MS = 10_000;

/** What the watch needs. */
export interface WorldWatchDeps {
  config: Config;
  store: StateStore;
  /** The cloud's reads. */
  cloud: CloudProviders;
  clock: Clock;
  log: Logger;
  /** Sends a notification in the background (the controller's outbox). */
  notify: (notification: Notification) => void;
  /** The region of this stack: only failovers into it are its to check (each stack checks its own region). Absent: every region. */
  region?: string;
  /** See WorldReadDeps.provisioningReads. */
  provisioningReads: boolean;
  readinessEveryMs?: number;
  /** On AWS, the runbook worker's role and the calls its runbooks make: simulated with readiness. */
  permissions?: RunbookPermissions;
}

/** One application as the controller sees it at a watch. */
export interface WatchedApp extends AppView {
  /** A run holds the app: drift is not judged (a run moves the world through such states on purpose). */
  runInProgress: boolean;
  /** Where DNS sends the app's traffic now (the controller's own reader). */
  dns: () => Promise<string | undefined>;
}

/** Where DNS was seen sending traffic, and when the read began. */
export interface DnsSighting {
  region: string;
  readAt: number;
}

/**
 * Knows the real state of each application's world: every call (every
 * round locally, every invocation of the runbook worker on AWS) it reads
 * where DNS sends traffic and each region's database, and compares them
 * with what the controller believes (drift); every `readinessEveryMs` it
 * also checks whether a failover into each region it serves could succeed
 * now (readiness) and compares capacities. A check that starts failing and
 * a drift that appears are notified once. The report is stored per app and
 * vantage point for the API, the page and the other stacks.
 */
export class WorldWatch {
  private readonly reports = new Map<string, WorldReport>();
  private readonly sightings = new Map<string, DnsSighting>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private permissions?: { at: number; checks: Promise<ReadinessCheck[]> };

  constructor(private readonly deps: WorldWatchDeps) {}

  /** Start a watch of `view` in the background, unless one of the same app is still going. Never throws. */
  watch(view: WatchedApp): void {
    const name = view.app.name;
    if (this.inflight.has(name)) return;
    const going = this.evaluate(view)
      .catch((err: unknown) => this.deps.log.warn({ app: name, err: String(err) }, 'world not watched this round'))
      .finally(() => this.inflight.delete(name));
    this.inflight.set(name, going);
  }

  /** Wait for the watches in flight. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /** Where DNS was last seen sending `app`'s traffic. */
  sighting(app: string): DnsSighting | undefined {
    return this.sightings.get(app);
  }

  /**
   * One watch of `view`, awaited: drift (unless a run is in progress), and
   * readiness when due or `readiness` is set. Returns the stored report.
   */
  async evaluate(view: WatchedApp, options: { readiness?: boolean } = {}): Promise<WorldReport> {
    const { app } = view;
    const now = this.deps.clock.now();
    const previous = this.reports.get(app.name) ?? (await this.storedReport(app.name));
    // Due again at once when traffic moved: the regions a run could go to are others now.
    const moved = previous?.activeRegion !== undefined && previous.activeRegion !== view.activeRegion && !view.runInProgress;
    // Not while a run moves the world through states a failover would refuse (its target a writer, DNS half way): after it.
    const due = !view.runInProgress && (options.readiness === true || !previous || moved || now - previous.readinessAt >= (this.deps.readinessEveryMs ?? READINESS_EVERY_MS));
    const reads = this.reads();
    let drift = previous?.drift ?? [];
    let dnsRegion: string | undefined;
    if (view.runInProgress) {
      const answer = await bounded(this.deps.clock, WORLD_READ_DEADLINE_MS, 'DNS', view.dns);
      if (typeof answer === 'string') dnsRegion = answer;
    } else {
      const reading = await readDrift(view, view.dns, reads, { capacities: due });
      dnsRegion = reading.dnsRegion;
      // Capacities and set-aside writers are read with readiness only: keep the last word on them in between.
      drift = due ? reading.findings : [...reading.findings, ...drift.filter((f) => CADENCE_FINDINGS.has(f.id))];
    }
    if (dnsRegion !== undefined) this.sightings.set(app.name, { region: dnsRegion, readAt: now });
    const targets = app.regions.map((r) => r.name).filter((r) => r !== view.activeRegion && (this.deps.region === undefined || this.deps.region === r));
    const checks = due ? await this.readinessNow(view, targets, previous) : refreshEndpoints(previous?.checks ?? [], view);
    const simulated = checks.some((c) => c.id === 'permissions') ? (this.permissionsFresh(previous, now) ? previous?.permissionsAt : now) : undefined;
    const report: WorldReport = {
      app: app.name,
      vantage: this.deps.config.vantage,
      readinessAt: due ? now : (previous?.readinessAt ?? now),
      ...(simulated !== undefined ? { permissionsAt: simulated } : {}),
      activeRegion: due ? view.activeRegion : (previous?.activeRegion ?? view.activeRegion),
      checks,
      driftAt: view.runInProgress ? (previous?.driftAt ?? now) : now,
      drift,
      ...(dnsRegion !== undefined ? { dnsRegion } : {}),
    };
    this.announce(view, previous, report, due);
    this.reports.set(app.name, report);
    await this.deps.store.putWorldReport(report);
    return report;
  }

  private async readinessNow(view: AppView, targets: string[], previous: WorldReport | undefined): Promise<ReadinessCheck[]> {
    const reads = this.reads();
    const [checks, allowed] = await Promise.all([readinessChecks(view, targets, reads), this.permissionsNow(previous)]);
    return [...checks, ...allowed];
  }

  /**
   * The role's permissions cover every application at once: simulated every
   * {@link PERMISSIONS_EVERY_MS}, whatever the number of apps. Each worker
   * invocation is a new process: the last verdict comes from the stored
   * report (`permissionsAt`), else this process's own. Bounded: IAM answers
   * from us-east-1, and the worker has runs to execute.
   */
  private async permissionsNow(previous: WorldReport | undefined): Promise<ReadinessCheck[]> {
    const { permissions, region, clock } = this.deps;
    if (!permissions || !region) return [];
    const now = clock.now();
    if (this.permissionsFresh(previous, now)) return previous!.checks.filter((c) => c.id === 'permissions');
    if (this.permissions && now - this.permissions.at < PERMISSIONS_EVERY_MS) return this.permissions.checks;
    const checks = bounded(clock, PERMISSIONS_DEADLINE_MS, 'the permissions simulation', () => permissionChecks(region, permissions)).then((result) =>
      result instanceof Error ? [{ id: 'permissions', region, status: 'warning' as const, sentence: result.message, fix: 'IAM did not answer in time; the next evaluation tries again' }] : result,
    );
    this.permissions = { at: now, checks };
    return checks;
  }

  private permissionsFresh(previous: WorldReport | undefined, now: number): boolean {
    return previous?.permissionsAt !== undefined && now - previous.permissionsAt < PERMISSIONS_EVERY_MS && previous.checks.some((c) => c.id === 'permissions');
  }

  private reads(): WorldReadDeps {
    const { config, cloud, store, clock, provisioningReads, region } = this.deps;
    return { config, cloud, store, clock, provisioningReads, expectStacks: region !== undefined };
  }

  private async storedReport(app: string): Promise<WorldReport | undefined> {
    const stored = await this.deps.store.listWorldReports(app).catch(() => []);
    return stored.find((r) => r.vantage === this.deps.config.vantage);
  }

  /**
   * Notify each check that starts failing and each drift that appears, once.
   * Checks only at a readiness evaluation (the endpoint check, refreshed
   * every round, would page on every flap of a standby). What every stack
   * sees alike (drift, the DNS setup, a silent stack) is announced by the
   * stack of the active region alone: one notification, not one per stack.
   * Failing ones page; leftovers and warnings are `info`.
   */
  private announce(view: WatchedApp, previous: WorldReport | undefined, report: WorldReport, evaluated: boolean): void {
    const app = view.app.name;
    const key = (c: { id: string; region: string }) => `${c.id}@${c.region}`;
    const failedBefore = new Set((previous?.checks ?? []).filter((c) => c.status === 'failing').map(key));
    const driftBefore = new Set((previous?.drift ?? []).map(key));
    const appWide = this.deps.region === undefined || this.deps.region === view.activeRegion;
    const mine = (c: ReadinessCheck) => appWide || (c.region === this.deps.region && c.id !== 'stack-alive');
    const now = this.deps.clock.now();
    if (evaluated) {
      for (const check of report.checks.filter((c) => c.status === 'failing' && !failedBefore.has(key(c)) && mine(c))) {
        this.send(app, 'readiness', 'page', `readiness check ${check.id} failing for ${check.region}: ${check.sentence}${check.fix ? `. Fix: ${check.fix}` : ''}`, now);
      }
    }
    if (!appWide) return;
    for (const finding of report.drift.filter((f) => !driftBefore.has(key(f)))) {
      const failing = finding.status === 'failing';
      this.send(app, 'drift', failing ? 'page' : 'info', `${failing ? 'drift' : 'leftover'} (${finding.id}): ${finding.sentence}. To settle it: ${finding.commands.join(' ; ')}`, now);
    }
  }

  private send(app: string, about: 'readiness' | 'drift', severity: 'page' | 'info', reason: string, at: number): void {
    this.deps.log.warn({ app, about }, reason);
    this.deps.notify({ app, severity, about, decision: { action: 'hold', app, at, reason, attention: severity === 'page' } });
  }
}

/** Drift found only when readiness is evaluated (capacities, stale writers set aside). */
const CADENCE_FINDINGS = new Set(['active-capacity', 'standby-capacity', 'standby-max-size', 'set-aside']);

/** The endpoint checks follow every round's probes (they cost nothing); the rest waits for the next evaluation. */
function refreshEndpoints(checks: ReadinessCheck[], view: AppView): ReadinessCheck[] {
  return checks.map((c) => (c.id === 'standby-endpoint' ? endpointCheck(c.region, view.health[c.region], view.app.policy.riseThreshold) : c));
}

/** Every vantage point's reports of one app as one: each check from the newest report that has it, drift from the newest report. */
export function mergeReports(reports: WorldReport[]): { checks: ReadinessCheck[]; drift: DriftFinding[]; readinessAt?: number; driftAt?: number } {
  const newestFirst = [...reports].sort((a, b) => b.readinessAt - a.readinessAt);
  const seen = new Set<string>();
  const checks: ReadinessCheck[] = [];
  for (const report of newestFirst) {
    for (const check of report.checks) {
      const key = `${check.id}@${check.region}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checks.push(check);
    }
  }
  const driftNewest = [...reports].sort((a, b) => b.driftAt - a.driftAt)[0];
  return { checks, drift: driftNewest?.drift ?? [], ...(newestFirst[0] ? { readinessAt: newestFirst[0].readinessAt } : {}), ...(driftNewest ? { driftAt: driftNewest.driftAt } : {}) };
}

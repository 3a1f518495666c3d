import type { AppConfig, Config, RegionConfig } from '../config/types.js';
import type { RegionHealth } from '../health/region-health.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseRef, DatabaseState } from '../ports/database-provider.js';
import type { ComputeGroupState } from '../ports/compute-provider.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';
import { databaseLabel } from '../runbook/steps/side.js';
import { bounded } from './bounded.js';
import { computeChecks } from './compute-readiness.js';
import { databaseChecks } from './database-readiness.js';
import { driftFindings, type SetAsideDatabase } from './drift.js';
import { endpointCheck } from './endpoint-readiness.js';
import { stackChecks } from './stack-liveness.js';
import { trafficChecks } from './traffic-readiness.js';
import type { DriftFinding, ReadinessCheck } from './world-report.js';

/** Every cloud read of an evaluation gets this much clock time (the lost region's calls hang). */
export const WORLD_READ_DEADLINE_MS = 4_000;

/** What evaluating the world reads through. */
export interface WorldReadDeps {
  config: Pick<Config, 'provider'>;
  cloud: CloudProviders;
  store: StateStore;
  clock: Clock;
  /** Compare data-plane switches with a dry provision (the operator's read calls; not in the deployed functions). */
  provisioningReads: boolean;
  /**
   * This process is a regional stack: every region of an application has
   * one, whose silence is a failing check even before it was ever seen. A
   * local process (sim or aws) expects only the vantage points it has seen.
   */
  expectStacks?: boolean;
}

/** What the controller believes of one application, for an evaluation. */
export interface AppView {
  app: AppConfig;
  activeRegion: string;
  health: Record<string, RegionHealth>;
}

/** The region whose database should be the writer: the fencing epoch's, else the active region. */
export async function writerRegionOf(view: AppView, store: StateStore): Promise<string> {
  return (await store.getWriterEpoch(view.app.name).catch(() => undefined))?.writerRegion ?? view.activeRegion;
}

/**
 * The readiness checks of failovers into `targets` (regions other than the
 * active one), plus the app-wide ones: its DNS setup, and whether every
 * controller stack is alive. Reads the targets' databases, lag and groups,
 * each within a deadline; the endpoint check costs nothing (the probe
 * rounds answer it).
 */
export async function readinessChecks(view: AppView, targets: string[], deps: WorldReadDeps, options: { appWide?: boolean } = {}): Promise<ReadinessCheck[]> {
  const { app } = view;
  const now = deps.clock.now();
  const writerRead = writerRegionOf(view, deps.store);
  const primary = app.regions[0]!.name;
  const perTarget = targets.map(async (name) => {
    const region = app.regions.find((r) => r.name === name)!;
    const read = <T>(what: string, work: () => Promise<T>) => bounded(deps.clock, WORLD_READ_DEADLINE_MS, what, work);
    // Every read of the target at once: through the Lambda reader they go as one batch (the lag of a writer is simply not used).
    const [db, group, lag] = await Promise.all([
      read(`${name} database`, () => deps.cloud.database.describe(region.database)),
      read(`${name} group`, () => deps.cloud.compute.describeGroup({ region: name, groupName: region.compute.autoScalingGroup })),
      read(`${name} replication lag`, () => deps.cloud.database.replicaLag(region.database)),
    ]);
    const writer = await writerRead;
    const checks: ReadinessCheck[] = [];
    if (name === primary && view.activeRegion !== primary) {
      // The way back is a failback, which rebuilds the primary's database as a replica first: its being a stale writer is expected.
      checks.push({ id: 'database-replica', region: name, status: 'ok', sentence: `a failback rebuilds ${databaseLabel(region)} as a replica of ${writer} before promoting it` });
    } else {
      checks.push(...databaseChecks({ region: name, label: databaseLabel(region), state: db, ...(lag !== undefined ? { lag } : {}), writerRegion: writer, rpoSeconds: app.policy.rpoSeconds }));
    }
    checks.push(...computeChecks(name, region.compute, group));
    checks.push(endpointCheck(name, view.health[name], app.policy.riseThreshold));
    return checks;
  });
  if (options.appWide === false) return (await Promise.all(perTarget)).flat();
  const traffic = deps.cloud.traffic ? trafficSetup(app, deps.cloud.traffic, deps) : Promise.resolve([]);
  const stacks = stackLiveness(view, deps, now);
  return [...(await Promise.all(perTarget)).flat(), ...(await traffic), ...(await stacks)];
}

/** The DNS setup checks, bounded: a dry provision makes several control-plane reads, and the control plane may be the thing that is down. */
async function trafficSetup(app: AppConfig, traffic: NonNullable<CloudProviders['traffic']>, deps: WorldReadDeps): Promise<ReadinessCheck[]> {
  const checks = await bounded(deps.clock, 3 * WORLD_READ_DEADLINE_MS, 'the DNS setup', () =>
    trafficChecks(app, { dns: deps.cloud.dns, traffic, store: deps.store, now: () => deps.clock.now(), provisioningReads: deps.provisioningReads }),
  );
  if (!(checks instanceof Error)) return checks;
  return [{ id: 'traffic-setup', region: app.regions[0]!.name, status: 'warning', sentence: checks.message, fix: "check Route 53 (its control plane runs in us-east-1) and the controller's permissions" }];
}

/** Every stack that should probe (on AWS, one per region) stored a round within three intervals and a minute. */
async function stackLiveness(view: AppView, deps: WorldReadDeps, now: number): Promise<ReadinessCheck[]> {
  const intervalMs = view.app.policy.probeIntervalSeconds * 1000;
  const staleMs = 3 * intervalMs + 60_000;
  const since = now - 4 * staleMs;
  const rounds = await deps.store.listObservations({ app: view.app.name, region: view.app.regions[0]!.name, since }).catch(() => undefined);
  if (!rounds) return [];
  const expected = deps.expectStacks ? view.app.regions.map((r) => r.name) : [];
  return stackChecks(rounds, expected, now, staleMs);
}

/** What a drift evaluation read and found. */
export interface DriftReading {
  findings: DriftFinding[];
  dnsRegion?: string;
}

/**
 * Read every region's database (and, with `capacities`, every group and the
 * stale writers runs set aside), where DNS sends traffic, and the fences;
 * compare with what the controller believes.
 */
export async function readDrift(view: AppView, dns: () => Promise<string | undefined>, deps: WorldReadDeps, options: { capacities: boolean }): Promise<DriftReading> {
  const { app } = view;
  const read = <T>(what: string, work: () => Promise<T>) => bounded(deps.clock, WORLD_READ_DEADLINE_MS, what, work);
  const [databases, dnsRegion, fences, groups, setAside] = await Promise.all([
    Promise.all(app.regions.map(async (r) => [r.name, await read(`${r.name} database`, () => deps.cloud.database.describe(r.database))] as const)),
    read('DNS', dns),
    deps.store.listNetworkFences(app.name).catch(() => []),
    options.capacities ? Promise.all(app.regions.map(async (r) => [r.name, await read(`${r.name} group`, () => deps.cloud.compute.describeGroup({ region: r.name, groupName: r.compute.autoScalingGroup }))] as const)) : undefined,
    options.capacities ? setAsideDatabases(app, deps) : undefined,
  ]);
  const findings = driftFindings({
    app,
    now: deps.clock.now(),
    activeRegion: view.activeRegion,
    dnsRegion: dnsRegion instanceof Error ? undefined : dnsRegion,
    ...(dnsRegion instanceof Error ? { dnsError: dnsRegion.message } : {}),
    databases: Object.fromEntries(databases) as Record<string, DatabaseState | Error>,
    fences,
    ...(groups ? { groups: Object.fromEntries(groups) as Record<string, ComputeGroupState | Error> } : {}),
    ...(setAside ? { setAside } : {}),
  });
  return { findings, ...(dnsRegion instanceof Error || dnsRegion === undefined ? {} : { dnsRegion }) };
}

/** Stale writers the app's recent runs set aside (renamed) that still exist: read from the retire steps' journal entries. */
async function setAsideDatabases(app: AppConfig, deps: WorldReadDeps): Promise<SetAsideDatabase[]> {
  const runs = await deps.store.listRuns({ app: app.name, limit: 10 }).catch(() => []);
  const retiring = runs.filter((r) => r.status !== 'running' && r.steps.some((s) => s.id.startsWith('retire') && s.status === 'succeeded'));
  const journals = await Promise.all(retiring.map(async (run) => ({ run, journal: await deps.store.readJournal(run.id).catch(() => []) })));
  const candidates: { region: RegionConfig; identifier: string; since: number; runId: string }[] = [];
  for (const { run, journal } of journals) {
    for (const entry of journal) {
      const retiredAs = entry.type === 'act-succeeded' ? entry.detail?.['retiredAs'] : undefined;
      // The built-in retire steps: retire-stale-original-database sets aside the run's `to`, retire-standby-writer its `from`.
      const region = app.regions.find((r) => r.name === (entry.stepId?.includes('original') ? run.to : run.from));
      if (typeof retiredAs === 'string' && region) candidates.push({ region, identifier: retiredAs, since: entry.at, runId: run.id });
    }
  }
  // All at once, each within its deadline: a region that hangs must not hold up the others.
  const states = await Promise.all(candidates.map((c) => bounded(deps.clock, WORLD_READ_DEADLINE_MS, c.identifier, () => deps.cloud.database.describe(renamed(c.region.database, c.identifier)))));
  return candidates.filter((_, i) => !(states[i] instanceof Error) && (states[i] as DatabaseState).exists).map((c) => ({ region: c.region.name, identifier: c.identifier, since: c.since, runId: c.runId }));
}

function renamed(ref: DatabaseRef, id: string): DatabaseRef {
  return ref.engine === 'rds' ? { ...ref, instanceId: id } : { ...ref, clusterId: id };
}

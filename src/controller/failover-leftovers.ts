import type { Logger } from 'pino';
import type { AppConfig, Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';
import type { RunRecord } from '../runbook/run.js';
import { BEST_EFFORT_DEADLINE_MS } from '../runbook/steps/fence-network.js';

/** What the leftovers need. */
export interface FailoverLeftoversDeps {
  config: Config;
  store: StateStore;
  cloud: CloudProviders;
  clock: Clock;
  log: Logger;
  /** Keep only where this stack's region writes (a regional stack); every region locally. */
  region?: string;
  /** Least time between two looks (each is one DescribeDBClusterSnapshots per old Aurora primary, one DescribeDBInstances per Multi-AZ to restore). Default 5 minutes. */
  everyMs?: number;
}

const DEFAULT_EVERY_MS = 5 * 60_000;
/** The promotion steps of the built-in runbooks: a failover's, and a failback's. */
const PROMOTE_STEPS = ['promote-standby-database', 'promote-original-database'];
const MULTI_AZ_NOTE = 'Multi-AZ on or requested, as the writer it replaces had';

/**
 * How long one region's look (and copies) may take: the region may be the
 * one just lost, hanging, and the runbook worker that calls this has runs to
 * execute. What is not done is tried again at the next look.
 */
const REGION_DEADLINE_MS = BEST_EFFORT_DEADLINE_MS;

/**
 * What a failover could not finish by itself, finished by the controller
 * once the world allows, while no run of the application is in progress:
 *
 * - Aurora's lost writes. The writes an Aurora managed failover lost live only in the snapshot Aurora
 * takes of the old primary's volume once its region recovers, a system
 * snapshot that expires with that cluster's backup retention (Aurora User
 * Guide, "Using switchover or failover in Amazon Aurora Global Database").
 * A failback copies it too (replica-steps.ts), but a failback may come
 * later than the retention, or never. So the controller looks for such
 * snapshots on its own, every `everyMs`, while no run of the application is
 * in progress, copies each one that has no manual copy yet, and names the
 * copy in the failover run that lost those writes. A region that does not
 * answer is tried again at the next look.
 * - Multi-AZ on an RDS writer promoted from a replica whose old writer was
 *   Multi-AZ: requested when the promotion ends, but a new writer busy with
 *   its first backup may refuse it (InvalidDBInstanceState), so it is asked
 *   again at each look until RDS takes it, and the failover's promotion step
 *   then says so.
 */
export class FailoverLeftovers {
  private busy = false;
  private lastAt = Number.NEGATIVE_INFINITY;
  /** Failover runs whose Multi-AZ is settled (requested, or nothing to restore). */
  private readonly multiAzSettled = new Set<string>();

  constructor(private readonly deps: FailoverLeftoversDeps) {}

  /** One look, unless the last was less than `everyMs` ago; never throws. */
  async keep(): Promise<void> {
    const now = this.deps.clock.now();
    if (this.busy || now - this.lastAt < (this.deps.everyMs ?? DEFAULT_EVERY_MS)) return;
    this.busy = true;
    this.lastAt = now;
    try {
      for (const app of this.deps.config.applications) {
        await this.restoreMultiAz(app).catch((err: unknown) => this.deps.log.warn({ app: app.name, err: String(err) }, 'Multi-AZ of the new writer not checked'));
        if (!app.regions.some((r) => r.database.engine === 'aurora-global')) continue;
        await this.keepApp(app).catch((err: unknown) => this.deps.log.warn({ app: app.name, err: String(err) }, 'lost-writes snapshots not checked'));
      }
    } finally {
      this.busy = false;
    }
  }

  private async keepApp(app: AppConfig): Promise<void> {
    const { store, cloud } = this.deps;
    if (!cloud.database.listLostWrites || !cloud.database.preserveLostWrites) return;
    const [latest] = await store.listRuns({ app: app.name, limit: 1 });
    if (latest?.status === 'running') return;
    const writer = (await store.getWriterEpoch(app.name))?.writerRegion ?? app.regions[0]!.name;
    if (this.deps.region !== undefined && this.deps.region !== writer) return;
    for (const region of app.regions.filter((r) => r.name !== writer && r.database.engine === 'aurora-global')) {
      try {
        await this.withinDeadline(`lost-writes snapshots of ${region.name}`, async () => {
          for (const snapshot of await cloud.database.listLostWrites!(region.database)) {
            if (snapshot.preservedAs) continue;
            const copy = await cloud.database.preserveLostWrites!(region.database, snapshot.id);
            this.deps.log.warn({ app: app.name, region: region.name, snapshot: snapshot.id, copy }, 'writes an unplanned failover lost kept as a manual snapshot');
            await this.report(app.name, region.name, `${snapshot.id} kept as ${copy}`);
          }
        });
      } catch (err) {
        this.deps.log.warn({ app: app.name, region: region.name, err: String(err) }, 'lost-writes snapshot not kept yet');
      }
    }
  }

  /**
   * The newest run, if it succeeded and its promotion asked for Multi-AZ:
   * asked again until RDS takes it, by the stack of the new writer's region.
   * Once taken, the run's promotion step says so, and that settles it for
   * good (every process, every restart): an operator who turns Multi-AZ off
   * later is not overruled.
   */
  private async restoreMultiAz(app: AppConfig): Promise<void> {
    const { store, cloud } = this.deps;
    if (!cloud.database.restoreMultiAz) return;
    // The newest run that moved the writer: a named runbook run after it changes nothing of this.
    const latest = (await store.listRuns({ app: app.name, limit: 5 })).find((r) => r.kind !== 'runbook');
    if (!latest || latest.status !== 'succeeded' || this.multiAzSettled.has(latest.id)) return;
    if (this.deps.region !== undefined && this.deps.region !== latest.to) return;
    const promote = promotionStep(latest);
    const asked =
      promote !== undefined &&
      !promote.message?.includes(MULTI_AZ_NOTE) &&
      (await store.readJournal(latest.id)).some((e) => e.type === 'act-succeeded' && e.stepId === promote.id && e.detail?.['restoreMultiAz'] === true);
    const region = app.regions.find((r) => r.name === latest.to);
    if (!asked || !region) return void this.multiAzSettled.add(latest.id);
    if (!(await this.withinDeadline(`Multi-AZ of ${region.name}`, () => cloud.database.restoreMultiAz!(region.database)))) return;
    this.multiAzSettled.add(latest.id);
    await this.note(latest.id, MULTI_AZ_NOTE);
  }

  /** `work`, or a rejection once {@link REGION_DEADLINE_MS} of clock time has passed (the work is left to finish or fail on its own). */
  private async withinDeadline<T>(what: string, work: () => Promise<T>): Promise<T> {
    const timer = new AbortController();
    const working = work();
    working.catch(() => undefined);
    try {
      return await Promise.race([
        working,
        this.deps.clock.sleep(REGION_DEADLINE_MS, timer.signal).then(
          () => {
            throw new Error(`${what}: no answer within ${REGION_DEADLINE_MS / 1000} s`);
          },
          // Cancelled because the work ended first.
          () => undefined as never,
        ),
      ]);
    } finally {
      timer.abort();
    }
  }

  /** Name the copy in the newest ended failover out of `region`, on its promotion step. */
  private async report(app: string, region: string, note: string): Promise<void> {
    const runs = await this.deps.store.listRuns({ app, limit: 20 });
    const run = runs.find((r) => r.kind === 'failover' && r.from === region && r.status !== 'running');
    if (run) await this.note(run.id, `lost writes ${note}`);
  }

  /** Add to the promotion step's message of an ended run, once. */
  private async note(runId: string, note: string): Promise<void> {
    const run = await this.deps.store.getRun(runId);
    const step = run ? promotionStep(run) : undefined;
    if (!run || !step || run.status === 'running' || step.message?.includes(note)) return;
    step.message = `${step.message ? `${step.message}; ` : ''}${note} (seen to by the controller after the run)`;
    await this.deps.store.putRun(run);
  }
}

/** The run's promotion step (a failover's or a failback's). */
function promotionStep(run: RunRecord): RunRecord['steps'][number] | undefined {
  return run.steps.find((s) => PROMOTE_STEPS.includes(s.id));
}

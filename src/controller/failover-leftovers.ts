import type { Logger } from 'pino';
import type { AppConfig, Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';

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
const PROMOTE_STEP = 'promote-standby-database';

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
        for (const snapshot of await cloud.database.listLostWrites(region.database)) {
          if (snapshot.preservedAs) continue;
          const copy = await cloud.database.preserveLostWrites(region.database, snapshot.id);
          this.deps.log.warn({ app: app.name, region: region.name, snapshot: snapshot.id, copy }, 'writes an unplanned failover lost kept as a manual snapshot');
          await this.report(app.name, region.name, `${snapshot.id} kept as ${copy}`);
        }
      } catch (err) {
        this.deps.log.warn({ app: app.name, region: region.name, err: String(err) }, 'lost-writes snapshot not kept yet');
      }
    }
  }

  /** The newest failover, if it succeeded and its promotion asked for Multi-AZ: asked again until RDS takes it. */
  private async restoreMultiAz(app: AppConfig): Promise<void> {
    const { store, cloud } = this.deps;
    if (!cloud.database.restoreMultiAz) return;
    const [latest] = await store.listRuns({ app: app.name, limit: 1 });
    if (!latest || latest.kind !== 'failover' || latest.status !== 'succeeded' || this.multiAzSettled.has(latest.id)) return;
    const asked = (await store.readJournal(latest.id)).some((e) => e.type === 'act-succeeded' && e.stepId === PROMOTE_STEP && e.detail?.['restoreMultiAz'] === true);
    const region = app.regions.find((r) => r.name === latest.to);
    if (!asked || !region) return void this.multiAzSettled.add(latest.id);
    if (!(await cloud.database.restoreMultiAz(region.database))) return;
    this.multiAzSettled.add(latest.id);
    await this.note(latest.id, 'Multi-AZ on or requested, as the writer it replaces had');
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
    const step = run?.steps.find((s) => s.id === PROMOTE_STEP);
    if (!run || !step || run.status === 'running' || step.message?.includes(note)) return;
    step.message = `${step.message ? `${step.message}; ` : ''}${note} (seen to by the controller after the run)`;
    await this.deps.store.putRun(run);
  }
}

import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import type { NetworkFenceRecord, StateStore } from '../ports/state-store.js';
import { attemptFence, describeFence, liftFence } from '../runbook/steps/fence-attempt.js';
import { BEST_EFFORT_DEADLINE_MS } from '../runbook/steps/fence-network.js';
import { findRegion } from './app-lookup.js';

/** What the retries need. */
export interface PendingFencesDeps {
  config: Config;
  store: StateStore;
  cloud: CloudProviders;
  clock: Clock;
  log: Logger;
  /** Retry only the fences of runs into this region (a regional stack: the one that executed the failover). */
  region?: string;
}

/**
 * The fences a failover could not finish because the old writer's region
 * did not answer (`pending` network fences, fence-network.ts): tried again,
 * one attempt each with the same short deadline, whenever `retry` is
 * called (every controller tick locally; every runbook worker invocation on
 * AWS), until the region answers. Not while a run of the application is in
 * progress: its steps own the fences then (a failback lifts them). A fence
 * whose region is the writer again (a rolled-back failover) is lifted
 * instead. Once a retry holds, the outcome is written into the step of the
 * failover that asked for it, so the run shows what became of its fence.
 */
export class PendingFences {
  private busy = false;

  constructor(private readonly deps: PendingFencesDeps) {}

  /** One pass over every application's pending fences; never throws (each failure is logged, and tried again next pass). */
  async retry(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const app of this.deps.config.applications) {
        const records = await this.deps.store.listNetworkFences(app.name).catch((err: unknown) => {
          this.deps.log.warn({ app: app.name, err: String(err) }, 'network fences not read');
          return [];
        });
        const pending = records.filter((r) => r.state === 'pending' && (this.deps.region === undefined || r.writerRegion === this.deps.region));
        if (pending.length === 0) continue;
        const [latest] = await this.deps.store.listRuns({ app: app.name, limit: 1 });
        if (latest?.status === 'running') continue;
        for (const record of pending) await this.retryOne(record);
      }
    } finally {
      this.busy = false;
    }
  }

  private async retryOne(record: NetworkFenceRecord): Promise<void> {
    const { store, cloud, clock, log } = this.deps;
    const app = this.deps.config.applications.find((a) => a.name === record.app)!;
    const ref = findRegion(app, record.region).database;
    const deps = { fence: cloud.fence, store, clock };
    try {
      const epoch = await store.getWriterEpoch(record.app);
      if (epoch?.writerRegion === record.region) {
        // The region writes again (its failover was rolled back): its fence must not come down on it now.
        await liftFence(deps, ref, record);
        log.info({ app: record.app, region: record.region }, 'pending fence dropped: the region is the writer again');
        return;
      }
      const next = await attemptFence(deps, ref, record, BEST_EFFORT_DEADLINE_MS);
      if (next.state !== 'fenced') return;
      log.info({ app: record.app, region: record.region, attempts: next.attempts }, 'pending fence now holds');
      await this.report(next);
    } catch (err) {
      log.warn({ app: record.app, region: record.region, err: String(err) }, 'pending fence not retried');
    }
  }

  /** Write the fence's outcome into the step of the (ended) run that asked for it. */
  private async report(record: NetworkFenceRecord): Promise<void> {
    const run = await this.deps.store.getRun(record.runId);
    const step = run?.steps.find((s) => s.id === record.stepId);
    if (!run || !step || run.status === 'running') return;
    step.message = `${describeFence(record)}, by the controller after the run ended`;
    await this.deps.store.putRun(run);
    await this.deps.store.putNetworkFence({ ...record, reportedInRun: true, updatedAt: this.deps.clock.now(), version: record.version + 1 });
  }
}

import { pino } from 'pino';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import type { AppConfig } from '../../src/config/types.js';
import type { CloudProviders } from '../../src/ports/providers.js';
import { pendingSteps, RunbookEngine } from '../../src/runbook/engine.js';
import type { RunRecord } from '../../src/runbook/run.js';
import type { Runbook } from '../../src/runbook/step.js';
import type { ManualClock } from './manual-clock.js';

/** What a run of database steps left: the record, the journal's entries, the store (for approvals). */
export interface DbStepRun {
  run: RunRecord;
  journal: { type: string; stepId?: string; data?: Record<string, unknown> }[];
}

/**
 * Run a runbook of database steps through the real engine, `from` → `to`
 * of `app`, until it ends; `onWaiting` is called while it runs (to approve
 * a gate, say). The engine retries transient errors as in production
 * (4 attempts here), so a lost answer is followed by the engine's own retry.
 */
export async function runDbSteps(
  book: Runbook,
  options: { app: AppConfig; cloud: CloudProviders; clock: ManualClock; from?: number; to?: number; runId?: string; onWaiting?: (store: MemoryStateStore, run: RunRecord) => Promise<void> },
): Promise<DbStepRun> {
  const { app, cloud, clock } = options;
  const from = app.regions[options.from ?? 0]!;
  const to = app.regions[options.to ?? 1]!;
  const store = new MemoryStateStore();
  const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5, retry: { attempts: 4, baseMs: 500, maxMs: 5_000 } });
  const run: RunRecord = {
    id: options.runId ?? 'run-0000db01',
    app: app.name,
    kind: 'failover',
    runbook: book.name,
    from: from.name,
    to: to.name,
    trigger: 'manual',
    reason: 'test',
    status: 'running',
    createdAt: clock.now(),
    steps: pendingSteps(book),
  };
  await store.putRun(run);
  let finished: RunRecord | undefined;
  void engine.execute(run, book, { app, from, to, cloud, prober: { round: async () => [] }, clock }).then((r) => (finished = r));
  await clock.advanceUntil(
    async () => {
      if (finished === undefined && options.onWaiting) await options.onWaiting(store, run);
      return finished !== undefined;
    },
    { stepMs: 1_000, maxMs: 12 * 3600_000 },
  );
  if (!finished) throw new Error('the run did not end within 12 hours of simulated time');
  const journal = (await store.readJournal(run.id)).map((e) => ({ type: e.type, ...(e.stepId ? { stepId: e.stepId } : {}), ...(e.detail ? { data: e.detail as Record<string, unknown> } : {}) }));
  return { run: finished, journal };
}

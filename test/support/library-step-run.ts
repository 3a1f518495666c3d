import { pino } from 'pino';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import type { Fence } from '../../src/ports/state-store.js';
import type { CloudProviders } from '../../src/ports/providers.js';
import { pendingSteps, RunbookEngine, type RunContext } from '../../src/runbook/engine.js';
import type { JournalEntry, RunRecord } from '../../src/runbook/run.js';
import type { Runbook } from '../../src/runbook/step.js';
import { testApp } from './engine-fixture.js';
import { ManualClock } from './manual-clock.js';

/**
 * A store whose process can die: once an entry matching `killAfter` is
 * written, every later journal append hangs forever, as if the process had
 * been killed right after that entry. `revive()` lets a new process (a new
 * engine on the same store) carry on from the journal.
 */
export class MortalStore extends MemoryStateStore {
  dead = false;
  killAfter: ((entry: JournalEntry) => boolean) | undefined;

  override async appendJournal(entry: JournalEntry, fence?: Fence): Promise<void> {
    if (this.dead) return new Promise<void>(() => undefined);
    await super.appendJournal(entry, fence);
    if (this.killAfter?.(entry)) this.dead = true;
  }

  revive(): void {
    this.dead = false;
    this.killAfter = undefined;
  }
}

/**
 * Runs of library steps through the real engine, `us-east-1` → `eu-west-1`
 * of the engine fixture's app, with `cloud` as the only cloud (the test's
 * in-memory fakes of the ports the steps use).
 */
export function libraryRuns(cloud: Partial<CloudProviders>, options: { clock?: ManualClock; runId?: string } = {}) {
  const clock = options.clock ?? new ManualClock();
  const store = new MortalStore();
  const context: RunContext = {
    app: testApp,
    from: testApp.regions[0]!,
    to: testApp.regions[1]!,
    cloud: cloud as CloudProviders,
    prober: { round: async () => [] },
    clock,
  };
  const runId = options.runId ?? 'run-0000lib1';

  /** A new run of `book`, stored as a manual failover would be. */
  async function start(book: Runbook): Promise<RunRecord> {
    const run: RunRecord = {
      id: runId,
      app: testApp.name,
      kind: 'failover',
      runbook: book.name,
      from: context.from.name,
      to: context.to.name,
      trigger: 'manual',
      reason: 'library step test',
      status: 'running',
      createdAt: clock.now(),
      steps: pendingSteps(book),
    };
    await store.putRun(run);
    return run;
  }

  /**
   * Execute (or resume, from the stored record, as a new process would) the
   * run with a new engine until it ends; undefined when the process died
   * first (see MortalStore). `during` is called between clock steps.
   */
  async function execute(book: Runbook, during?: (run: RunRecord) => Promise<void>): Promise<RunRecord | undefined> {
    const run = (await store.getRun(runId)) ?? (await start(book));
    const retry = { attempts: 4, baseMs: 500, maxMs: 5_000 };
    const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5, retry });
    let finished: RunRecord | undefined;
    void engine.execute(run, book, context).then((r) => (finished = r));
    await clock.advanceUntil(
      async () => {
        if (finished === undefined && !store.dead) await during?.(run);
        return finished !== undefined || store.dead;
      },
      { stepMs: 1_000, maxMs: 6 * 3600_000 },
    );
    if (!finished && !store.dead) throw new Error('the run did not end within 6 hours of simulated time');
    return finished;
  }

  /** The run's journal as `type:stepId` lines. */
  async function journal(): Promise<string[]> {
    return (await store.readJournal(runId)).map((e) => (e.stepId ? `${e.type}:${e.stepId}` : e.type));
  }

  return { clock, store, context, runId, start, execute, journal };
}

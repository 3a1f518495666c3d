import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { pendingSteps, RunbookEngine } from '../../../src/runbook/engine.js';
import { journalProblem } from '../../../src/runbook/journal-check.js';
import type { JournalEntry, RunRecord } from '../../../src/runbook/run.js';
import { runbook, sequence, step, type StepDefinition } from '../../../src/runbook/step.js';
import { testContext } from '../../support/engine-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

/** A store whose journals have lost the entries a test names, as a damaged leveldb did. */
class LossyStore extends MemoryStateStore {
  readonly lost = new Set<number>();
  override async readJournal(runId: string): Promise<JournalEntry[]> {
    return (await super.readJournal(runId)).filter((e) => !this.lost.has(e.seq));
  }
}

function counting(id: string, counts: Record<string, number>): StepDefinition {
  return {
    id,
    title: id,
    observe: async () => ({ resource: id, current: counts[id] ? 'done' : 'idle', desired: 'done', done: (counts[id] ?? 0) > 0 }),
    act: async () => void (counts[id] = (counts[id] ?? 0) + 1),
  };
}

const book = runbook('t', 't', sequence(step(counting('a', {})), step(counting('b', {}))));

function newRun(at: number): RunRecord {
  return { id: 'run-1', app: 'shop', kind: 'failover', runbook: 't', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'test', status: 'running', createdAt: at, steps: pendingSteps(book) };
}

describe('a run whose journal cannot be continued', () => {
  it('names the damage: a gap, a missing start, steps the record has and the journal lost', () => {
    const run = newRun(0);
    const entry = (seq: number, type: JournalEntry['type'], stepId?: string): JournalEntry => ({ seq, at: 0, runId: run.id, type, ...(stepId ? { stepId } : {}) });
    expect(journalProblem(run, [])).toBeUndefined();
    expect(journalProblem(run, [entry(1, 'run-started'), entry(2, 'step-started', 'a')])).toBeUndefined();
    expect(journalProblem(run, [entry(1, 'run-started'), entry(3, 'step-started', 'a')])).toMatch(/jumps from entry 1 to entry 3/);
    expect(journalProblem(run, [entry(1, 'step-started', 'a')])).toMatch(/starts with step-started, not run-started/);
    const done = { ...run, steps: run.steps.map((s) => (s.id === 'a' ? { ...s, status: 'succeeded' as const } : s)) };
    expect(journalProblem(done, [])).toMatch(/journal is empty, but the run record shows a \(succeeded\)/);
    expect(journalProblem(done, [entry(1, 'run-started'), entry(2, 'step-started', 'a')])).toMatch(/shows a finished, but the journal does not/);
  });

  it('ends failed with attention, acts nothing, and frees its application, instead of staying running', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new LossyStore();
    const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }) });
    const counts: Record<string, number> = {};
    const local = runbook('t', 't', sequence(step(counting('a', counts)), step(counting('b', counts))));
    const run = newRun(clock.now());
    // A first process got through step a, then the store lost the journal's second entry.
    for (const [seq, type, stepId] of [[1, 'run-started'], [2, 'step-started', 'a'], [3, 'act-started', 'a'], [4, 'act-succeeded', 'a'], [5, 'step-succeeded', 'a']] as const) {
      await store.appendJournal({ seq, at: clock.now(), runId: run.id, type, ...(stepId ? { stepId } : {}) });
    }
    counts['a'] = 1;
    run.steps[0]!.status = 'succeeded';
    await store.putRun(run);
    store.lost.add(2);

    const ended = await engine.execute(run, local, testContext(clock));
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/cannot continue: the journal jumps from entry 1 to entry 3/);
    expect(ended.attention).toMatch(/Check the world before anything else/);
    expect(counts).toEqual({ a: 1 });
    expect(await store.getRun(run.id)).toMatchObject({ status: 'failed', attention: ended.attention });
    // Written after the highest entry, not over one of them.
    expect((await store.readJournal(run.id)).at(-1)).toMatchObject({ seq: 6, type: 'run-failed', detail: { damaged: true } });
  });
});

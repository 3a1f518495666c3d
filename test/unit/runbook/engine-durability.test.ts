import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { pendingSteps, RunbookEngine } from '../../../src/runbook/engine.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { runbook, sequence, step, type Runbook, type StepDefinition } from '../../../src/runbook/step.js';
import { testContext } from '../../support/engine-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';


/** A fake resource: acting starts it, it is pending for `delayMs`, then done. Counts acts and undos. */
class Resource {
  startedAt?: number;
  acts = 0;
  undos = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly delayMs = 1_000,
  ) {}
  step(id: string, extra: Partial<StepDefinition> = {}): StepDefinition {
    return {
      id,
      title: id,
      pollMs: 100,
      timeoutMs: 60_000,
      observe: async () => {
        const done = this.startedAt !== undefined && this.clock.now() >= this.startedAt + this.delayMs;
        const pending = this.startedAt !== undefined && !done;
        return { resource: id, current: done ? 'done' : pending ? 'pending' : 'idle', desired: 'done', done, pending };
      },
      act: async () => {
        this.acts++;
        this.startedAt = this.clock.now();
      },
      compensate: async () => {
        this.undos++;
        this.startedAt = undefined;
      },
      ...extra,
    };
  }
}

function setup() {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryStateStore();
  const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5 });
  const ctx = testContext(clock);
  const newRun = (book: Runbook): RunRecord => ({ id: 'run-1', app: 'shop', kind: 'failover', runbook: book.name, from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'test', status: 'running', createdAt: clock.now(), steps: pendingSteps(book) });
  const execute = async (book: Runbook, run: RunRecord, options: Parameters<RunbookEngine['execute']>[3] = {}, during?: () => Promise<void>) => {
    let finished: RunRecord | undefined;
    void engine.execute(run, book, ctx, options).then((r) => (finished = r));
    await clock.advanceUntil(
      async () => {
        await during?.();
        return finished !== undefined;
      },
      { stepMs: 100, maxMs: 20 * 60_000 },
    );
    return finished!;
  };
  const types = async () => (await store.readJournal('run-1')).map((e) => (e.stepId ? `${e.type}:${e.stepId}` : e.type));
  return { clock, store, engine, execute, newRun, types };
}

describe('RunbookEngine durability', () => {
  it('pauses at a boundary and resumes from the journal without redoing finished steps', async () => {
    const { clock, execute, newRun, types, store } = setup();
    const a = new Resource(clock);
    const b = new Resource(clock);
    const book = runbook('t', 't', sequence(step(a.step('a')), step(b.step('b'))));
    const run = newRun(book);
    let pause = false;
    const first = await execute(book, run, { shouldPause: () => pause }, async () => {
      if (a.startedAt !== undefined && clock.now() >= a.startedAt + 1_000) pause = true;
    });
    expect(first.status).toBe('running');
    expect(await types()).toContain('run-paused');
    // The second invocation starts from a fresh copy of the record, as a new Lambda would.
    const second = await execute(book, (await store.getRun(run.id))!);
    expect(second.status).toBe('succeeded');
    expect([a.acts, b.acts]).toEqual([1, 1]);
    const journal = await types();
    expect(journal.filter((t) => t === 'act-started:a')).toHaveLength(1);
    expect(journal).toContain('run-resumed');
  });

  it('resumes a step whose act was in flight by checking the real world: pending means wait, not act again', async () => {
    const { clock, store, execute, newRun } = setup();
    const a = new Resource(clock, 5_000);
    const book = runbook('t', 't', step(a.step('a')));
    const run = newRun(book);
    // A previous process journaled the act, performed it, and died before journaling its end.
    await store.appendJournal({ seq: 1, at: clock.now(), runId: run.id, type: 'run-started' });
    await store.appendJournal({ seq: 2, at: clock.now(), runId: run.id, type: 'step-started', stepId: 'a' });
    await store.appendJournal({ seq: 3, at: clock.now(), runId: run.id, type: 'act-started', stepId: 'a' });
    a.startedAt = clock.now();
    a.acts = 1;
    const finished = await execute(book, run);
    expect(finished.status).toBe('succeeded');
    expect(a.acts).toBe(1);
  });

  it('re-issues an in-flight act that never took effect', async () => {
    const { clock, store, execute, newRun } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', step(a.step('a')));
    const run = newRun(book);
    await store.appendJournal({ seq: 1, at: clock.now(), runId: run.id, type: 'run-started' });
    await store.appendJournal({ seq: 2, at: clock.now(), runId: run.id, type: 'step-started', stepId: 'a' });
    await store.appendJournal({ seq: 3, at: clock.now(), runId: run.id, type: 'act-started', stepId: 'a' });
    expect((await execute(book, run)).status).toBe('succeeded');
    expect(a.acts).toBe(1);
  });

  it('does nothing for a run whose journal says it ended', async () => {
    const { clock, store, engine, newRun } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', step(a.step('a')));
    const run = newRun(book);
    await store.putRun({ ...run, status: 'succeeded' });
    await store.appendJournal({ seq: 1, at: 0, runId: run.id, type: 'run-started' });
    await store.appendJournal({ seq: 2, at: 0, runId: run.id, type: 'run-succeeded' });
    const again = await engine.execute(run, book, testContext(clock));
    expect(again.status).toBe('succeeded');
    expect(a.acts).toBe(0);
  });

  it('a record left running after its rollback ended (the process died before saving it) takes the rollback outcome from the journal', async () => {
    const { clock, store, engine, newRun } = setup();
    const book = runbook('t', 't', sequence(step(new Resource(clock).step('a')), step(new Resource(clock).step('b'))));
    const run = newRun(book);
    await store.putRun(run);
    const types = ['run-started', 'act-started', 'act-succeeded', 'compensation-started', 'compensation-failed', 'run-cancelled'] as const;
    for (const [i, type] of types.entries()) {
      const detail = type === 'compensation-failed' ? { error: 'AccessDenied' } : type === 'run-cancelled' ? { by: 'carol', rollback: true } : undefined;
      await store.appendJournal({ seq: i + 1, at: clock.now(), runId: run.id, type, ...(type.startsWith('run-') ? {} : { stepId: 'a' }), ...(detail ? { detail } : {}) });
    }
    const ended = await engine.execute(run, book, testContext(clock));
    expect(ended).toMatchObject({ status: 'cancelled', rollback: { outcome: 'failed', undone: [], notUndone: [{ step: 'a', error: 'AccessDenied' }] } });
    expect((await store.getRun(run.id))!.rollback).toEqual(ended.rollback);
  });

  const gate = (onTimeout: 'fail' | 'proceed'): StepDefinition => ({
    id: 'approve-promotion',
    title: 'Approve',
    timeoutMs: 11 * 60_000,
    observe: async () => ({ resource: 'approval', current: 'waiting', desired: 'approved', done: false }),
    approval: { timeoutMs: 10 * 60_000, onTimeout, reason: async () => 'lag unknown: estimate data loss before promoting' },
  });

  it('an approval gate waits for an operator; an approval is recorded with who and when, then the run goes on', async () => {
    const { clock, store, execute, newRun, types } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', sequence(step(gate('fail')), step(a.step('a'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      if (clock.now() === 1_000_000 + 60_000) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'approve', stepId: 'approve-promotion', by: 'alice', comment: 'lag checked by hand' });
    });
    expect(finished.status).toBe('succeeded');
    expect(finished.approvals).toEqual([{ stepId: 'approve-promotion', decision: 'approved', by: 'alice', comment: 'lag checked by hand', at: 1_060_000 }]);
    expect(a.startedAt).toBeGreaterThanOrEqual(1_060_000);
    const journal = await store.readJournal(run.id);
    expect(journal.find((e) => e.type === 'approval-requested')?.detail).toMatchObject({ reason: 'lag unknown: estimate data loss before promoting', onTimeout: 'fail' });
    expect(journal.find((e) => e.type === 'approved')?.detail).toMatchObject({ by: 'alice', comment: 'lag checked by hand' });
    expect(await types()).toEqual(['run-started', 'step-started:approve-promotion', 'approval-requested:approve-promotion', 'approved:approve-promotion', 'step-succeeded:approve-promotion', 'step-started:a', 'act-started:a', 'act-succeeded:a', 'step-succeeded:a', 'run-succeeded']);
  });

  it('a gate interrupted before it asked is observed again on resume, and asks once', async () => {
    const { clock, store, execute, newRun, types } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', sequence(step(gate('fail')), step(a.step('a'))));
    const run = newRun(book);
    await store.appendJournal({ seq: 1, at: clock.now(), runId: run.id, type: 'run-started' });
    await store.appendJournal({ seq: 2, at: clock.now(), runId: run.id, type: 'step-started', stepId: 'approve-promotion' });
    const finished = await execute(book, run, {}, async () => {
      if (clock.now() === 1_000_000 + 2_000) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'approve', stepId: 'approve-promotion', by: 'alice' });
    });
    expect(finished.status).toBe('succeeded');
    expect((await types()).filter((t) => t === 'approval-requested:approve-promotion')).toHaveLength(1);
  });

  it('a rejected gate fails the run and nothing after it runs', async () => {
    const { clock, store, execute, newRun, types } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', sequence(step(gate('fail')), step(a.step('a'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      if (clock.now() === 1_000_000 + 1_000) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'reject', stepId: 'approve-promotion', by: 'bob', comment: 'too much lag' });
    });
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/^failed at approve-promotion: approve-promotion: rejected by bob: too much lag/);
    expect(a.acts).toBe(0);
    expect(await types()).toContain('rejected:approve-promotion');
  });

  it('a gate that times out fails, or proceeds, exactly as configured', async () => {
    for (const onTimeout of ['fail', 'proceed'] as const) {
      const { clock, execute, newRun, types } = setup();
      const a = new Resource(clock);
      const book = runbook('t', 't', sequence(step(gate(onTimeout)), step(a.step('a'))));
      const finished = await execute(book, newRun(book));
      if (onTimeout === 'fail') {
        expect(finished.status).toBe('failed');
        expect(finished.error).toContain('no approval within 600 s');
        expect(a.acts).toBe(0);
      } else {
        expect(finished.status).toBe('succeeded');
        expect(a.acts).toBe(1);
        expect(await types()).toContain('approved:approve-promotion');
      }
      expect(finished.approvals?.[0]).toMatchObject({ decision: 'timed-out', by: 'controller' });
    }
  });

  it('cancel stops at the next step boundary; with rollback it undoes the succeeded steps newest first, journaled', async () => {
    const { clock, store, execute, newRun, types } = setup();
    const [a, b, c] = [new Resource(clock), new Resource(clock), new Resource(clock)];
    const book = runbook('t', 't', sequence(step(a.step('a')), step(b.step('b')), step(c.step('c'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      // Cancel while b is being verified: b finishes, c never starts.
      if (b.startedAt !== undefined && !(await store.listRunSignals(run.id)).length) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'cancel', by: 'carol', rollback: true });
    });
    expect(finished.status).toBe('cancelled');
    expect(finished.cancelRequested).toMatchObject({ by: 'carol', rollback: true });
    expect([a.acts, b.acts, c.acts]).toEqual([1, 1, 0]);
    expect([a.undos, b.undos, c.undos]).toEqual([1, 1, 0]);
    const journal = await types();
    expect(journal.slice(-5)).toEqual(['compensation-started:b', 'compensation-succeeded:b', 'compensation-started:a', 'compensation-succeeded:a', 'run-cancelled']);
    expect(finished.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'pending']);
    expect(finished.rollback).toEqual({ outcome: 'complete', undone: ['b', 'a'], notUndone: [] });
    expect((await store.getRun(run.id))!.rollback).toEqual(finished.rollback);
    expect((await store.readJournal(run.id)).at(-1)!.detail).toMatchObject({ rollback: true, rollbackOutcome: 'complete' });
  });

  it('a rollback whose compensation fails ends the run cancelled with the rollback partial: what was undone, what was not and why', async () => {
    const { clock, store, execute, newRun } = setup();
    const [a, b] = [new Resource(clock), new Resource(clock)];
    const stubborn = { ...b.step('b'), compensate: async () => Promise.reject(new Error('AccessDenied: autoscaling:UpdateAutoScalingGroup')) };
    const book = runbook('t', 't', sequence(step(a.step('a')), step(stubborn), step(new Resource(clock).step('c'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      if (b.startedAt !== undefined && !(await store.listRunSignals(run.id)).length) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'cancel', by: 'carol', rollback: true });
    });
    expect(finished.status).toBe('cancelled');
    expect(finished.rollback).toEqual({ outcome: 'partial', undone: ['a'], notUndone: [{ step: 'b', error: 'AccessDenied: autoscaling:UpdateAutoScalingGroup' }] });
    expect((await store.getRun(run.id))!.rollback).toEqual(finished.rollback);
  });

  it('a cancel without rollback records no rollback', async () => {
    const { clock, store, execute, newRun } = setup();
    const a = new Resource(clock);
    const book = runbook('t', 't', sequence(step(a.step('a')), step(new Resource(clock).step('b'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      if (a.startedAt !== undefined && !(await store.listRunSignals(run.id)).length) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'cancel', by: 'carol', rollback: false });
    });
    expect(finished.status).toBe('cancelled');
    expect(finished.rollback).toBeUndefined();
  });
});

describe('RunbookEngine rollback', () => {
  it('never undoes a step that came after one that cannot be undone, and says which', async () => {
    const { clock, store, execute, newRun, types } = setup();
    const [a, b, c] = [new Resource(clock), new Resource(clock), new Resource(clock)];
    const irreversible = { ...b.step('promote'), compensate: undefined };
    delete irreversible.compensate;
    const book = runbook('t', 't', sequence(step(a.step('a')), step(irreversible), step(c.step('c')), step(new Resource(clock).step('d'))));
    const run = newRun(book);
    const finished = await execute(book, run, {}, async () => {
      if (c.startedAt !== undefined && !(await store.listRunSignals(run.id)).length) await store.addRunSignal({ runId: run.id, at: clock.now(), type: 'cancel', by: 'carol', rollback: true });
    });
    expect(finished.status).toBe('cancelled');
    // c came after the irreversible step: left alone; a came before it: undone.
    expect([a.undos, c.undos]).toEqual([1, 0]);
    const journal = await store.readJournal(run.id);
    const notes = journal.filter((e) => e.type === 'compensation-failed').map((e) => `${e.stepId}: ${String(e.detail?.['error'])}`);
    expect(notes).toEqual(['c: c not undone: it came after promote, which cannot be undone', 'promote: promote cannot be undone']);
    expect((await types()).filter((t) => t.startsWith('compensation-succeeded'))).toEqual(['compensation-succeeded:a']);
    expect(finished.rollback).toEqual({
      outcome: 'partial',
      undone: ['a'],
      notUndone: [
        { step: 'c', error: 'c not undone: it came after promote, which cannot be undone' },
        { step: 'promote', error: 'promote cannot be undone' },
      ],
    });
  });
});

describe('RunbookEngine fencing', () => {
  it('a worker whose lease was taken over stops without writing, and the new holder finishes the run', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStateStore();
    const log = pino({ level: 'silent' });
    const ctx = testContext(clock);
    const a = new Resource(clock, 5_000);
    const b = new Resource(clock);
    const book = runbook('t', 't', sequence(step(a.step('a')), step(b.step('b'))));
    const run: RunRecord = { id: 'run-1', app: 'shop', kind: 'failover', runbook: 't', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'r', status: 'running', createdAt: clock.now(), steps: pendingSteps(book) };
    const old = await store.acquireLease('app#shop', run.id, 2_000, clock.now());
    if (!old.acquired) throw new Error('unreachable');
    let oldResult: RunRecord | undefined;
    void new RunbookEngine({ store, clock, log }).execute(structuredClone(run), book, ctx, { fence: { lease: 'app#shop', token: old.lease.token } }).then((r) => (oldResult = r));
    // The old worker hangs in a's verification past its lease; a new worker takes over.
    await clock.advance(3_000);
    const taken = await store.acquireLease('app#shop', run.id, 60_000, clock.now());
    if (!taken.acquired) throw new Error('unreachable');
    let newResult: RunRecord | undefined;
    void new RunbookEngine({ store, clock, log }).execute(structuredClone(run), book, ctx, { fence: { lease: 'app#shop', token: taken.lease.token } }).then((r) => (newResult = r));
    await clock.advanceUntil(() => oldResult !== undefined && newResult !== undefined, { stepMs: 100, maxMs: 60_000 });
    expect(newResult!.status).toBe('succeeded');
    expect(oldResult!.status).toBe('running');
    expect([a.acts, b.acts]).toEqual([1, 1]);
    const journal = await store.readJournal(run.id);
    expect(journal.filter((e) => e.type === 'run-succeeded')).toHaveLength(1);
    expect(journal.some((e) => e.type === 'run-failed')).toBe(false);
  });
});

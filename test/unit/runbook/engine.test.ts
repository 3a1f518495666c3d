import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { ConflictError, PermanentError, TransientError } from '../../../src/errors/errors.js';
import { nextPollMs, pendingSteps, RunbookEngine } from '../../../src/runbook/engine.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { parallel, runbook, sequence, step, type StepDefinition } from '../../../src/runbook/step.js';
import { testContext } from '../../support/engine-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';


/** A resource that reaches its goal `delayMs` after its act; records what happened to it. */
function fakeStep(id: string, clock: ManualClock, events: string[], options: { delayMs?: number; done?: boolean; actError?: () => Error | undefined; effectBeforeError?: boolean } = {}): StepDefinition {
  let doneAt = options.done ? 0 : Infinity;
  return {
    id,
    title: id,
    pollMs: 100,
    timeoutMs: 10_000,
    async observe() {
      const done = clock.now() >= doneAt;
      return { resource: id, current: done ? 'done' : 'not done', desired: 'done', done };
    },
    async act() {
      events.push(`${id}:act@${clock.now()}`);
      const error = options.actError?.();
      if (error && !options.effectBeforeError) throw error;
      doneAt = clock.now() + (options.delayMs ?? 0);
      if (error) throw error;
    },
  };
}

function setup() {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryStateStore();
  const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5, retry: { attempts: 4, baseMs: 100, maxMs: 1_000 } });
  const ctx = testContext(clock);
  const newRun = (book: ReturnType<typeof runbook>): RunRecord => ({
    id: 'run-1',
    app: 'shop',
    kind: 'failover',
    runbook: book.name,
    from: 'us-east-1',
    to: 'eu-west-1',
    trigger: 'manual',
    reason: 'test',
    status: 'running',
    createdAt: clock.now(),
    steps: pendingSteps(book),
  });
  /** Execute while advancing the clock until the run ends. */
  const execute = async (book: ReturnType<typeof runbook>) => {
    const run = newRun(book);
    let finished: RunRecord | undefined;
    void engine.execute(run, book, ctx).then((r) => (finished = r));
    await clock.advanceUntil(() => finished !== undefined, { stepMs: 50, maxMs: 60_000 });
    return { run: finished!, journal: await store.readJournal(run.id) };
  };
  return { clock, store, execute };
}

describe('RunbookEngine', () => {
  it('runs parallel steps side by side and the next step after both: wall time is the critical path', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    const start = clock.now();
    const book = runbook('t', 't', sequence(parallel(step(fakeStep('slow', clock, events, { delayMs: 5_000 })), step(fakeStep('fast', clock, events, { delayMs: 3_000 }))), step(fakeStep('last', clock, events, { delayMs: 2_000 }))));
    const { run } = await execute(book);
    expect(run.status).toBe('succeeded');
    // The next step starts once both goals hold, seen within the engine's poll share (4% of the wait) of the slow one.
    expect(events.slice(0, 2)).toEqual([`slow:act@${start}`, `fast:act@${start}`]);
    const lastActAt = Number(events[2]?.replace('last:act@', ''));
    expect(lastActAt - start).toBeGreaterThanOrEqual(5_000);
    expect(lastActAt - start).toBeLessThanOrEqual(5_000 * 1.05);
    expect(run.finishedAt! - start).toBeGreaterThanOrEqual(7_000);
    expect(run.finishedAt! - start).toBeLessThanOrEqual(7_000 * 1.05);
    expect(run.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('skips a step whose goal already holds, without acting', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    const { run, journal } = await execute(runbook('t', 't', sequence(step(fakeStep('already', clock, events, { done: true })))));
    expect(events).toEqual([]);
    expect(run.steps[0]).toMatchObject({ status: 'skipped', message: 'already done: done' });
    expect(journal.map((e) => e.type)).toEqual(['run-started', 'step-started', 'step-skipped', 'run-succeeded']);
  });

  it('retries transient errors with backoff and journals before and after the act', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    let failures = 2;
    const flaky = fakeStep('flaky', clock, events, { actError: () => (failures-- > 0 ? new TransientError('Throttling') : undefined) });
    const { run, journal } = await execute(runbook('t', 't', step(flaky)));
    expect(run.status).toBe('succeeded');
    expect(events).toHaveLength(3);
    // Full jitter with random 0.5: 50 ms, then 100 ms.
    const times = events.map((e) => Number(e.split('@')[1]));
    expect([times[1]! - times[0]!, times[2]! - times[1]!]).toEqual([50, 100]);
    expect(journal.map((e) => e.type)).toEqual(['run-started', 'step-started', 'act-started', 'attempt-failed', 'attempt-failed', 'act-succeeded', 'step-succeeded', 'run-succeeded']);
    expect(journal.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('does not act again when a transient error hid an act that took effect', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    let failures = 1;
    const s = fakeStep('lost-answer', clock, events, { effectBeforeError: true, actError: () => (failures-- > 0 ? new TransientError('timeout') : undefined) });
    const { run } = await execute(runbook('t', 't', step(s)));
    expect(run.status).toBe('succeeded');
    expect(events).toHaveLength(1);
  });

  it('stops at a permanent error: the run fails with what was done and what was not, the sibling stops, later steps never run', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    const book = runbook(
      't',
      't',
      sequence(
        step(fakeStep('first', clock, events)),
        parallel(step(fakeStep('denied', clock, events, { actError: () => new PermanentError('AccessDenied') })), step(fakeStep('sibling', clock, events, { delayMs: 60_000 }))),
        step(fakeStep('never', clock, events)),
      ),
    );
    const { run, journal } = await execute(book);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('failed at denied: AccessDenied. stopped: sibling. done: first. not done: never');
    expect(run.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'stopped', 'pending']);
    expect(events.some((e) => e.startsWith('never'))).toBe(false);
    expect(journal.at(-1)).toMatchObject({ type: 'run-failed' });
    expect(journal.filter((e) => e.type === 'step-failed').map((e) => e.stepId)).toEqual(['denied']);
    expect(journal.filter((e) => e.type === 'step-stopped').map((e) => e.stepId)).toEqual(['sibling']);
  });

  it('fails a step whose goal does not hold before its deadline', async () => {
    const { clock, execute } = setup();
    const events: string[] = [];
    const { run } = await execute(runbook('t', 't', step(fakeStep('stuck', clock, events, { delayMs: 20_000 }))));
    expect(run.status).toBe('failed');
    expect(run.error).toContain('stuck: goal not reached within 10 s');
  });

  it('keeps a polling step\'s last observation on its progress, saved every few polls, and puts it in the timeout message', async () => {
    const { clock, store, execute } = setup();
    const stuck = fakeStep('stuck', clock, [], { delayMs: 20_000 });
    let polls = 0;
    let seenWhileRunning: unknown;
    const observe = stuck.observe.bind(stuck);
    stuck.observe = async (ctx) => {
      polls++;
      // What the page could read at this moment (the first poll is the check before the act).
      if (polls === 30) seenWhileRunning = (await store.getRun('run-1'))!.steps[0];
      const seen = await observe(ctx);
      return { ...seen, current: `not done after ${polls} polls` };
    };
    let saves = 0;
    const putRun = store.putRun.bind(store);
    store.putRun = async (run) => {
      saves++;
      return putRun(run);
    };
    const { run } = await execute(runbook('t', 't', step(stuck)));
    expect(run.status).toBe('failed');
    expect(seenWhileRunning).toMatchObject({ status: 'running', lastObservation: { text: expect.stringMatching(/^not done after \d+ polls; wanted: done$/) } });
    const last = run.steps[0]!.lastObservation!;
    expect(last.text).toBe(`not done after ${polls} polls; wanted: done`);
    expect(run.steps[0]!.message).toBe(`stuck: goal not reached within 10 s; last seen at ${new Date(last.at).toISOString().slice(11, 19)}Z: not done after ${polls} polls; wanted: done`);
    // Not a write per poll: the first, then every 5th (and the step's own start and end, and the run's).
    expect(polls).toBeGreaterThan(50);
    expect(saves).toBeLessThanOrEqual(Math.ceil((polls - 1) / 5) + 4);
  });

  it('a step\'s verify says what it saw through the context; a step may write its own success message from what it did', async () => {
    const { clock, execute } = setup();
    let calls = 0;
    const reported: StepDefinition = {
      ...fakeStep('rename', clock, [], { delayMs: 1_000 }),
      async act() {
        return { renamedAs: 'shop-db-stale-1' };
      },
      async verify(ctx) {
        ctx.observed?.(`poll ${++calls}: renaming`);
        if (calls === 3) throw new TransientError('Throttling');
        return calls >= 5;
      },
      report: (after, acted) => `set aside as ${String(acted?.['renamedAs'])}; now: ${after.current}`,
    };
    const { run } = await execute(runbook('t', 't', step(reported)));
    expect(run.steps[0]).toMatchObject({ status: 'succeeded', message: 'set aside as shop-db-stale-1; now: not done', lastObservation: { text: 'poll 4: renaming' } });
  });

  it('refuses duplicate and badly formed step ids', () => {
    const clock = new ManualClock();
    expect(() => runbook('t', 't', sequence(step(fakeStep('a', clock, [])), step(fakeStep('a', clock, []))))).toThrow(/step id "a" is used twice/);
    expect(() => step(fakeStep('Not_Kebab', clock, []))).toThrow(/kebab-case/);
  });

  it('journal appends are conditional on the sequence number', async () => {
    const store = new MemoryStateStore();
    await store.appendJournal({ seq: 1, at: 0, runId: 'r', type: 'run-started' });
    await expect(store.appendJournal({ seq: 1, at: 0, runId: 'r', type: 'step-started' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.appendJournal({ seq: 3, at: 0, runId: 'r', type: 'step-started' })).rejects.toBeInstanceOf(ConflictError);
    expect(await store.readJournal('r')).toHaveLength(1);
  });
});

describe('nextPollMs', () => {
  it('starts at the first interval, then waits a fixed share of the time already waited, up to the longest interval', () => {
    expect(nextPollMs(0, 200, 10_000)).toBe(200);
    expect(nextPollMs(4_000, 200, 10_000)).toBe(200);
    expect(nextPollMs(60_000, 200, 10_000)).toBe(2_400);
    expect(nextPollMs(3_600_000, 200, 10_000)).toBe(10_000);
  });
});

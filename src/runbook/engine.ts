import type { Logger } from 'pino';
import { FailoverError, isTransient } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';
import { Journal } from './journal.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';
import type { RunRecord, StepProgress } from './run.js';
import { type ActResult, flattenSteps, type Runbook, type RunbookNode, type StepContext, type StepDefinition } from './step.js';

/** Defaults for steps that do not set their own. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_POLL_MS = 1_000;

/** What the engine needs from the outside world. */
export interface EngineDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  retry?: RetryPolicy;
  random?: () => number;
}

/** A step ran out of time before its goal held. */
export class StepTimeoutError extends FailoverError {
  override name = 'StepTimeoutError';
}

/** The step context without the parts the engine supplies per run. */
export type RunContext = Omit<StepContext, 'run' | 'signal' | 'log'>;

/** A fresh progress list for a runbook: every step pending. */
export function pendingSteps(book: Runbook): StepProgress[] {
  return flattenSteps(book.root).map((s) => ({ id: s.id, title: s.title, status: 'pending' }));
}

/**
 * Executes runbooks: check → act → verify per step, sequence and parallel
 * groups, transient retries with jittered backoff, and a journal entry
 * before and after every act.
 */
export class RunbookEngine {
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly deps: EngineDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.random = deps.random ?? Math.random;
  }

  /** Execute `book` for `run` to the end; resolves with the final run record (never rejects for a step failure). */
  async execute(run: RunRecord, book: Runbook, context: RunContext): Promise<RunRecord> {
    const journal = await Journal.open(run.id, this.deps.store, this.deps.clock);
    const log = this.deps.log.child({ runId: run.id, app: run.app });
    const abort = new AbortController();
    const state: Execution = { run, journal, log, abort, context };
    await journal.append('run-started', undefined, { runbook: book.name, from: run.from, to: run.to, trigger: run.trigger, reason: run.reason });
    log.info({ runbook: book.name, from: run.from, to: run.to }, 'run started');
    try {
      await this.runNode(book.root, state);
      run.status = 'succeeded';
      run.finishedAt = this.deps.clock.now();
      await journal.append('run-succeeded');
      log.info({ durationMs: run.finishedAt - run.createdAt }, 'run succeeded');
    } catch (err) {
      run.status = 'failed';
      run.finishedAt = this.deps.clock.now();
      run.error = failureSummary(run, err);
      await journal.append('run-failed', undefined, { error: run.error });
      log.error({ error: run.error }, 'run failed');
    }
    await this.deps.store.putRun(run);
    return run;
  }

  private async runNode(node: RunbookNode, state: Execution): Promise<void> {
    if (node.kind === 'step') return this.runStep(node.step, state);
    if (node.kind === 'sequence') {
      for (const child of node.children) await this.runNode(child, state);
      return;
    }
    // Parallel: a failure aborts the siblings at their next wait, and the
    // group reports the first failure once every branch has stopped.
    const results = await Promise.allSettled(
      node.children.map((child) =>
        this.runNode(child, state).catch((err: unknown) => {
          state.abort.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw state.abort.signal.reason ?? failed.reason;
  }

  private async runStep(step: StepDefinition, state: Execution): Promise<void> {
    const { journal, abort } = state;
    const clock = this.deps.clock;
    const progress = state.run.steps.find((s) => s.id === step.id)!;
    const log = state.log.child({ stepId: step.id });
    const ctx: StepContext = { ...state.context, run: state.run, log, signal: abort.signal };
    const retrying = <T>(fn: () => Promise<T>) =>
      withRetry(fn, {
        policy: this.retry,
        clock,
        random: this.random,
        signal: abort.signal,
        onRetry: (err, attempt) => {
          log.warn({ attempt, err: String(err) }, 'transient error, retrying');
          void journal.append('attempt-failed', step.id, { attempt, error: String(err) });
        },
      });

    abort.signal.throwIfAborted();
    await this.progress(state, progress, { status: 'running', startedAt: clock.now() });
    await journal.append('step-started', step.id);
    try {
      const before = await retrying(() => step.observe(ctx));
      if (before.done) {
        await journal.append('step-skipped', step.id, { current: before.current });
        await this.progress(state, progress, { status: 'skipped', finishedAt: clock.now(), message: `already done: ${before.current}` });
        return;
      }
      let acted: ActResult | undefined;
      if (step.act) {
        await journal.append('act-started', step.id, { resource: before.resource, current: before.current, desired: before.desired });
        acted = (await retrying(async () => {
          // A transient error may hide an act that did take effect: look before acting again.
          const now = await step.observe(ctx);
          return now.done ? undefined : step.act!(ctx);
        })) ?? undefined;
        await journal.append('act-succeeded', step.id, acted ?? {});
      }
      await this.verify(step, ctx, acted, log);
      const after = await retrying(() => step.observe(ctx));
      await journal.append('step-succeeded', step.id, { current: after.current });
      await this.progress(state, progress, { status: 'succeeded', finishedAt: clock.now(), message: after.current });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // The signal is aborted only after the failing step itself has thrown: anything still running then was stopped by it.
      if (abort.signal.aborted && err === abort.signal.reason) {
        await journal.append('step-stopped', step.id, { because: message });
        await this.progress(state, progress, { status: 'stopped', finishedAt: clock.now(), message: `stopped: a parallel step failed (${message})` });
      } else {
        await journal.append('step-failed', step.id, { error: message });
        await this.progress(state, progress, { status: 'failed', finishedAt: clock.now(), message });
      }
      throw err;
    }
  }

  /** Poll until the step's goal holds or its deadline passes; transient errors only cost a poll. */
  private async verify(step: StepDefinition, ctx: StepContext, acted: ActResult | undefined, log: Logger): Promise<void> {
    const clock = this.deps.clock;
    const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = clock.now() + timeoutMs;
    let pollMs = step.pollMs ?? DEFAULT_POLL_MS;
    for (;;) {
      try {
        const ok = step.verify ? await step.verify(ctx, acted) : (await step.observe(ctx)).done;
        if (ok) return;
      } catch (err) {
        if (!isTransient(err)) throw err;
        log.warn({ err: String(err) }, 'transient error while verifying');
      }
      if (clock.now() >= deadline) throw new StepTimeoutError(`${step.id}: goal not reached within ${Math.round(timeoutMs / 1000)} s`);
      await clock.sleep(Math.min(pollMs, Math.max(0, deadline - clock.now())), ctx.signal);
      pollMs = Math.min(step.maxPollMs ?? pollMs, Math.round(pollMs * 1.5));
    }
  }

  private async progress(state: Execution, progress: StepProgress, patch: Partial<StepProgress>): Promise<void> {
    Object.assign(progress, patch);
    await this.deps.store.putRun(state.run);
  }
}

interface Execution {
  run: RunRecord;
  journal: Journal;
  log: Logger;
  abort: AbortController;
  context: RunContext;
}

/** "failed at X: why. Done: a, b. Not done: c." — what an operator needs first. */
function failureSummary(run: RunRecord, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const failed = run.steps.filter((s) => s.status === 'failed').map((s) => s.id);
  const done = run.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').map((s) => s.id);
  const stopped = run.steps.filter((s) => s.status === 'stopped').map((s) => s.id);
  const notDone = run.steps.filter((s) => s.status === 'pending' || s.status === 'running').map((s) => s.id);
  return [
    failed.length ? `failed at ${failed.join(', ')}: ${message}` : message,
    ...(stopped.length ? [`stopped: ${stopped.join(', ')}`] : []),
    `done: ${done.length ? done.join(', ') : 'nothing'}`,
    `not done: ${notDone.length ? notDone.join(', ') : 'nothing'}`,
  ].join('. ');
}
